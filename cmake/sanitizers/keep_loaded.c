/* SPDX-License-Identifier: MIT */
/* libntex_keep_loaded.so: LD_PRELOADed by the `asan` test preset only. dlclose() becomes a no-op so
 * that shared objects loaded at run time (the Vulkan loader's ICD libvulkan_lvp.so and the validation
 * layer) stay mapped until exit: LeakSanitizer symbolizes its stacks at exit, and frames in an
 * unloaded object print as "<unknown module>", which no suppression can name. Built without
 * sanitizers; ASan's link-order check is off in the preset (verify_asan_link_order=0) because this
 * library precedes libasan in the link map. Never used outside the sanitizer test run. */
int dlclose(void* handle);

int dlclose(void* handle) {
    (void)handle;
    return 0;
}
