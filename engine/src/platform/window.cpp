// SPDX-License-Identifier: MIT
// window.cpp: GLFW setup; callbacks are installed before ImGui's so ImGui chains to them.
#include "engine/window.h"

#include "engine/error.h"

#define GLFW_INCLUDE_NONE
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

namespace engine {
namespace {

Window* self(GLFWwindow* w) { return static_cast<Window*>(glfwGetWindowUserPointer(w)); }

std::string glfw_error() {
    const char* description = nullptr;
    glfwGetError(&description);
    return description ? description : "unknown error";
}

}  // namespace

Window::Window(const std::string& title, int width, int height) {
    if (!glfwInit()) throw Error("glfw: cannot initialise (no display? set DISPLAY or use --headless): " + glfw_error());
    if (!glfwVulkanSupported()) {
        glfwTerminate();
        throw Error("glfw: Vulkan loader not found");
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    m_window = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
    if (!m_window) {
        const std::string why = glfw_error();
        glfwTerminate();
        throw Error("glfw: cannot create a window: " + why);
    }
    glfwSetWindowUserPointer(m_window, this);
    glfwSetScrollCallback(m_window, [](GLFWwindow* w, double, double dy) { self(w)->m_scroll += static_cast<float>(dy); });
    glfwSetFramebufferSizeCallback(m_window, [](GLFWwindow* w, int, int) { self(w)->m_resized = true; });
    glfwSetKeyCallback(m_window, [](GLFWwindow* w, int key, int, int action, int) {
        if (key == GLFW_KEY_ESCAPE && action == GLFW_PRESS) glfwSetWindowShouldClose(w, GLFW_TRUE);
    });
    glfwGetCursorPos(m_window, &m_last_x, &m_last_y);
}

Window::~Window() {
    if (m_window) glfwDestroyWindow(m_window);
    glfwTerminate();
}

std::vector<const char*> Window::required_instance_extensions() const {
    uint32_t count = 0;
    const char** names = glfwGetRequiredInstanceExtensions(&count);
    if (!names) throw Error("glfw: no Vulkan surface extensions available: " + glfw_error());
    return std::vector<const char*>(names, names + count);
}

VkSurfaceKHR Window::create_surface(VkInstance instance) const {
    VkSurfaceKHR surface = VK_NULL_HANDLE;
    vk_check(glfwCreateWindowSurface(instance, m_window, nullptr, &surface), "glfwCreateWindowSurface");
    return surface;
}

MouseInput Window::poll() {
    glfwPollEvents();
    MouseInput in;
    double x = 0.0, y = 0.0;
    glfwGetCursorPos(m_window, &x, &y);
    const bool down = glfwGetMouseButton(m_window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
    if (down && m_dragging) {
        in.drag_dx = static_cast<float>(x - m_last_x);
        in.drag_dy = static_cast<float>(y - m_last_y);
    }
    m_dragging = down;
    const bool right = glfwGetMouseButton(m_window, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
    if (right && m_panning) {
        in.pan_dx = static_cast<float>(x - m_last_x);
        in.pan_dy = static_cast<float>(y - m_last_y);
    }
    m_panning = right;
    const auto held = [this](int key) { return glfwGetKey(m_window, key) == GLFW_PRESS ? 1.0f : 0.0f; };
    in.move_right = held(GLFW_KEY_D) - held(GLFW_KEY_A);
    in.move_forward = held(GLFW_KEY_W) - held(GLFW_KEY_S);
    m_last_x = x;
    m_last_y = y;
    in.scroll = m_scroll;
    m_scroll = 0.0f;
    return in;
}

bool Window::should_close() const { return glfwWindowShouldClose(m_window) != 0; }

void Window::request_close() { glfwSetWindowShouldClose(m_window, GLFW_TRUE); }

void Window::set_size(int width, int height) { glfwSetWindowSize(m_window, width, height); }

VkExtent2D Window::framebuffer_size() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    return {static_cast<uint32_t>(w), static_cast<uint32_t>(h)};
}

void Window::wait_while_minimized() {
    for (VkExtent2D e = framebuffer_size(); (e.width == 0 || e.height == 0) && !should_close();
         e = framebuffer_size())
        glfwWaitEvents();
}

bool Window::take_resized() {
    const bool r = m_resized;
    m_resized = false;
    return r;
}

double Window::time_seconds() const { return glfwGetTime(); }

}  // namespace engine
