// SPDX-License-Identifier: MIT
// File helpers.
#include "model/file_io.h"

#include "core/error.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <system_error>


#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ntex {

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open file.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) fail(NTEX_ERROR_FILE_NOT_FOUND, path.string(), ": cannot open: ", std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(NTEX_ERROR_IO, path.string(), ": cannot stat: ", std::strerror(errno));
    if (S_ISDIR(st.st_mode)) fail(NTEX_ERROR_FILE_NOT_FOUND, path.string(), ": is a directory");
    if (!S_ISREG(st.st_mode)) fail(NTEX_ERROR_FILE_NOT_FOUND, path.string(), ": not a regular file (a FIFO, device or socket)");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > kMaxFileBytes) fail(NTEX_ERROR_IO, path.string(), ": ", size, " bytes; at most ", kMaxFileBytes, " are read");
    std::vector<uint8_t> bytes(static_cast<std::size_t>(size));
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(NTEX_ERROR_IO, path.string(), ": read error: ", std::strerror(errno));
        if (n == 0) fail(NTEX_ERROR_IO, path.string(), ": the file shrank while it was read");
        done += static_cast<std::size_t>(n);
    }
    return bytes;
}

std::string read_file_text(const std::filesystem::path& path) {
    std::vector<uint8_t> bytes = read_file_bytes(path);
    return std::string(bytes.begin(), bytes.end());
}

namespace {

// The file a write to `path` replaces: the final target of a symlink chain (which may not exist yet).
std::filesystem::path write_target(const std::filesystem::path& path) {
    std::filesystem::path p = path;
    for (int hops = 0; hops < 40; ++hops) {   // 40: Linux's own limit on links followed (ELOOP)
        std::error_code ec;
        if (!std::filesystem::is_symlink(p, ec)) return p;
        const std::filesystem::path next = std::filesystem::read_symlink(p, ec);
        if (ec) fail(NTEX_ERROR_IO, path.string(), ": cannot read the symbolic link: ", ec.message());
        p = next.is_absolute() ? next : (p.parent_path() / next).lexically_normal();
    }
    fail(NTEX_ERROR_IO, path.string(), ": too many levels of symbolic links");
}

// Removes "<name>.tmp-<pid>-*" beside `target` whose process no longer exists (a crash mid-write).
void remove_stale_temps(const std::filesystem::path& target) noexcept {
    std::error_code ec;
    const std::filesystem::path dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    const std::string prefix = target.filename().string() + ".tmp-";
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const std::string rest = name.substr(prefix.size());
        const std::size_t dash = rest.find('-');
        if (dash == std::string::npos || dash == 0 || rest.find_first_not_of("0123456789") != dash) continue;
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) std::filesystem::remove(it->path(), ec);
    }
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, const void* data, std::size_t size) {
    const std::filesystem::path target = write_target(path);
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(target, ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
        fail(NTEX_ERROR_IO, target.string(), ": not a regular file (a directory, device, FIFO or socket): refusing to replace it");
    }
    remove_stale_temps(target);
    std::string tmp = target.string() + cat(".tmp-", ::getpid(), "-XXXXXX");
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) fail(NTEX_ERROR_IO, target.string(), ": cannot create a temporary file beside it: ", std::strerror(errno));
    // mkstemp makes it 0600: give it the replaced file's mode, or the usual 0644 for a new one.
    const mode_t mode = std::filesystem::exists(status) ? static_cast<mode_t>(status.permissions()) & 07777 : 0644;
    bool ok = ::fchmod(fd, mode) == 0;
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t done = 0; ok && done < size;) {
        const ssize_t n = ::write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    const int saved = errno;
    ok = (::fsync(fd) == 0) && ok;
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        fail(NTEX_ERROR_IO, target.string(), ": write failed: ", std::strerror(saved != 0 ? saved : errno));
    }
    std::filesystem::rename(tmp, target, ec);
    if (ec) {
        std::remove(tmp.c_str());
        fail(NTEX_ERROR_IO, target.string(), ": rename failed: ", ec.message());
    }
}

void refuse_overwriting_inputs(const std::filesystem::path& output, const std::vector<std::filesystem::path>& inputs) {
    for (const std::filesystem::path& input : inputs) {
        std::error_code ec;
        if (input.empty() || !std::filesystem::exists(output, ec) || !std::filesystem::exists(input, ec)) continue;
        if (std::filesystem::equivalent(output, input, ec) && !ec) {
            fail(NTEX_ERROR_INVALID_ARGUMENT, output.string(), " is the input ", input.string(), ": refusing to overwrite it");
        }
    }
}

}  // namespace ntex
