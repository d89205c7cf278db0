// SPDX-License-Identifier: MIT
// NtexThreadCallbacks: the host's hook runs first on each generator worker ntex starts, the worker is
// named "ntex-worker", and pinning it in the hook pins the OpenMP threads its generations create (they
// inherit its CPU affinity), while the host's own thread keeps its mask. Linux only (/proc, affinity).
#include "test_support.h"

#include <ntex/ntex.h>

#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace {

struct Hook {
    std::atomic<int> calls{0};
    std::atomic<int> kind{-1};
    std::atomic<pid_t> tid{0};
    cpu_set_t pinned{};
    std::atomic<bool> pinned_ok{false};
};

void on_thread_start(void* user, NtexThreadKind kind) {
    auto* h = static_cast<Hook*>(user);
    h->kind = static_cast<int>(kind);
    h->tid = gettid();
    h->pinned_ok = sched_setaffinity(0, sizeof(cpu_set_t), &h->pinned) == 0;
    ++h->calls;
}

std::set<pid_t> thread_ids() {
    std::set<pid_t> ids;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ids.insert(static_cast<pid_t>(std::atoi(e.path().filename().c_str())));
    return ids;
}

bool affinity_is(pid_t tid, const cpu_set_t& expected) {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    return sched_getaffinity(tid, sizeof mask, &mask) == 0 && CPU_EQUAL(&mask, &expected);
}

TEST(ThreadCallbacks, TheWorkerIsReportedNamedAndItsGenerationsInheritItsPinning) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    if (CPU_COUNT(&allowed) < 2) GTEST_SKIP() << "one CPU: pinning cannot be told from the default";
    Hook hook;
    CPU_ZERO(&hook.pinned);
    for (int c = 0; c < CPU_SETSIZE; ++c) {
        if (CPU_ISSET(c, &allowed)) {
            CPU_SET(c, &hook.pinned);
            break;
        }
    }
    const std::set<pid_t> before = thread_ids();

    NtexThreadCallbacks callbacks{};
    callbacks.sType = NTEX_STRUCTURE_TYPE_THREAD_CALLBACKS;
    callbacks.pfnThreadStart = on_thread_start;
    callbacks.pUserData = &hook;
    NtexContextCreateInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.pNext = &callbacks;
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.backend = NTEX_BACKEND_CPU;
    ci.threadCount = 2;
    NtexContext context = nullptr;
    ASSERT_EQ(ntexCreateContext(&ci, &context), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    const std::string path = ntex::test::shipped_model_json().string();
    NtexModelLoadInfo li{};
    li.sType = NTEX_STRUCTURE_TYPE_MODEL_LOAD_INFO;
    li.pPath = path.c_str();
    NtexModel model = nullptr;
    ASSERT_EQ(ntexLoadModel(context, &li, &model), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    NtexGeneratorCreateInfo gi{};
    gi.sType = NTEX_STRUCTURE_TYPE_GENERATOR_CREATE_INFO;
    gi.model = model;
    gi.width = 256;
    gi.height = 256;
    NtexGenerator generator = nullptr;
    ASSERT_EQ(ntexCreateGenerator(context, &gi, &generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    EXPECT_EQ(hook.calls.load(), 0) << "the worker starts on first use";
    ASSERT_EQ(ntexGenerateAsync(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();
    ASSERT_EQ(ntexWaitIdle(generator), NTEX_SUCCESS) << ntexGetLastErrorMessage();

    EXPECT_EQ(hook.calls.load(), 1);
    EXPECT_EQ(hook.kind.load(), NTEX_THREAD_KIND_GENERATOR_WORKER);
    EXPECT_NE(hook.tid.load(), gettid()) << "the hook runs on the new thread";
    EXPECT_TRUE(hook.pinned_ok.load());
    std::ifstream comm("/proc/self/task/" + std::to_string(hook.tid.load()) + "/comm");
    std::string name;
    std::getline(comm, name);
    EXPECT_EQ(name, "ntex-worker");
    // The worker and the OpenMP thread its generation created (threadCount 2) carry the hook's mask.
    int pinned_new = 0;
    for (pid_t tid : thread_ids()) {
        if (before.count(tid) == 0 && affinity_is(tid, hook.pinned)) ++pinned_new;
    }
    EXPECT_GE(pinned_new, 2) << "the worker and at least one OpenMP thread of its generation";
    EXPECT_TRUE(affinity_is(gettid(), allowed)) << "the host's thread keeps its own mask";

    ntexDestroyGenerator(generator);
    ntexDestroyModel(model);
    ntexDestroyContext(context);
}

TEST(ThreadCallbacks, ANullHookIsRefused) {
    NtexThreadCallbacks callbacks{};
    callbacks.sType = NTEX_STRUCTURE_TYPE_THREAD_CALLBACKS;
    NtexContextCreateInfo ci{};
    ci.sType = NTEX_STRUCTURE_TYPE_CONTEXT_CREATE_INFO;
    ci.pNext = &callbacks;
    ci.headerVersion = NTEX_HEADER_VERSION;
    ci.backend = NTEX_BACKEND_CPU;
    NtexContext context = nullptr;
    EXPECT_EQ(ntexCreateContext(&ci, &context), NTEX_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(ntexGetLastErrorMessage()).find("NtexThreadCallbacks::pfnThreadStart is NULL"), std::string::npos);
    EXPECT_EQ(context, nullptr);
}

}  // namespace
