// SPDX-License-Identifier: MIT
// window.h: the GLFW window, its Vulkan surface and mouse input for the orbit camera.
// Every glfw* call of the engine lives in src/platform/.
#pragma once

#include <vulkan/vulkan.h>

#include <string>
#include <vector>

struct GLFWwindow;

namespace engine {

struct MouseInput {
    float drag_dx = 0.0f;   // pixels moved with the left button held since the last poll
    float drag_dy = 0.0f;
    float scroll = 0.0f;    // wheel steps since the last poll
    float pan_dx = 0.0f;    // pixels moved with the right button held
    float pan_dy = 0.0f;
    float move_right = 0.0f;     // WASD held now: D - A
    float move_forward = 0.0f;   // W - S
};

class Window {
public:
    Window(const std::string& title, int width, int height);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // Instance extensions GLFW needs for surfaces (valid after construction).
    std::vector<const char*> required_instance_extensions() const;
    VkSurfaceKHR create_surface(VkInstance instance) const;

    // Processes events; returns the mouse input gathered since the previous poll.
    MouseInput poll();
    bool should_close() const;
    void request_close();
    // Asks the window system for a new client size (applied asynchronously; the
    // framebuffer-size callback then flags the swapchain for a rebuild).
    void set_size(int width, int height);
    VkExtent2D framebuffer_size() const;
    // Blocks while the window is minimised (zero-sized framebuffer).
    void wait_while_minimized();
    // True once after the framebuffer was resized.
    bool take_resized();
    double time_seconds() const;

    GLFWwindow* native() const { return m_window; }

private:
    GLFWwindow* m_window = nullptr;
    double m_last_x = 0.0, m_last_y = 0.0;
    bool m_dragging = false;
    bool m_panning = false;
    float m_scroll = 0.0f;
    bool m_resized = false;
};

}  // namespace engine
