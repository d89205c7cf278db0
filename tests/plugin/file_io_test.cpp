// SPDX-License-Identifier: MIT
// write_file_atomic under concurrency (issue 14, review robustness-2026-12 #5: writers of one path
// shared a "<path>.tmp-<pid>" name, so 17-19% of concurrent saves failed) and its refusals.
#include "core/error.h"
#include "model/file_io.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

namespace ntex {
namespace {

TEST(FileIo, ConcurrentWritersOfOnePathAllSucceedAndLeaveNoTemp) {
    test::TempDir dir;
    const std::filesystem::path path = dir.path() / "preset.json";
    std::atomic<int> failures{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&, t] {
            const std::string text(1000 + static_cast<std::size_t>(t), static_cast<char>('a' + t));
            for (int i = 0; i < 100; ++i) {
                try {
                    write_file_atomic(path, text.data(), text.size());
                } catch (const Error&) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread& w : writers) w.join();
    EXPECT_EQ(failures.load(), 0);
    // The file is one writer's whole text, never a mix.
    const std::string final_text = read_file_text(path);
    ASSERT_GE(final_text.size(), 1000u);
    EXPECT_EQ(final_text, std::string(final_text.size(), final_text[0]));
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    }
}

TEST(FileIo, RefusesNonRegularTargetsAndKeepsTheFileMode) {
    test::TempDir dir;
    const std::filesystem::path fifo = dir.path() / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        write_file_atomic(fifo, "x", 1);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_IO);
        EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(std::filesystem::is_fifo(fifo));
    const std::filesystem::path file = dir.path() / "kept_mode.txt";
    write_file_atomic(file, "a", 1);
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                           std::filesystem::perms::group_read);
    write_file_atomic(file, "b", 1);
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write | std::filesystem::perms::group_read);
}

// Reads never block on a FIFO (a model path pointing at one hung `ntex info`: review #14).
TEST(FileIo, ReadRefusesAFifoWithoutBlocking) {
    test::TempDir dir;
    const std::filesystem::path fifo = dir.path() / "model.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        (void)read_file_text(fifo);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.result(), NTEX_ERROR_FILE_NOT_FOUND);
        EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("model.json"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace ntex
