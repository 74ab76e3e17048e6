// SPDX-License-Identifier: LGPL-2.1-or-later
// The public C++ API: RAII types, both error forms, pidfd operations, and
// backend selection. Backend-dependent tests run once per working backend.
#include "nstree.hpp"
#include "support.hpp"

#include <linux/pidctl.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <unordered_set>
#include <vector>

using pidctl::backend;
using pidctl::ns_relation;
using pidctl::open_flags;
using pidctl::pid_namespace;
using pidctl::pidfd;
using pidctl::unique_fd;
using pidctl_test::sleeping_thread;

namespace {

bool fd_is_open(int fd) {
    return ::fcntl(fd, F_GETFD) >= 0;
}

// Runs `body` in a child process in which the system calls `denied` fail
// with EPERM (seccomp): a call that needs one of them fails there. Returns
// body's result (its exit code), -1 if the child died otherwise, or
// no_seccomp if the kernel has no seccomp filters.
constexpr int no_seccomp = 100;
int run_denying(std::initializer_list<long> denied, const std::function<int()>& body) {
    pid_t pid = ::fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        std::vector<sock_filter> filter;
        filter.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
        for (long nr : denied) {
            filter.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(nr), 0, 1));
            filter.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
        }
        filter.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        sock_fprog prog{static_cast<unsigned short>(filter.size()), filter.data()};
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
            ::_exit(no_seccomp);
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `body` in a child; false if it has not ended within `seconds`
// (then it is killed).
bool finishes_within(int seconds, const std::function<int()>& body, int& result) {
    pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(body());
    unique_fd child(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    pollfd p{child.get(), POLLIN, 0};
    bool done = ::poll(&p, 1, seconds * 1000) == 1;
    if (!done)
        ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return done;
}

// Linux 6.13 brought PIDFD_GET_INFO: stock backends then number a pidfd
// without reading /proc.
bool kernel_at_least(int major, int minor) {
    struct utsname uts {};
    ::uname(&uts);
    int a = 0, b = 0;
    std::sscanf(uts.release, "%d.%d", &a, &b);
    return a > major || (a == major && b >= minor);
}

// A scratch directory, removed with everything in it.
class scratch_dir {
public:
    scratch_dir() {
        char templ[] = "/tmp/libpidctl-test.XXXXXX";
        if (!::mkdtemp(templ))
            throw std::system_error(errno, std::generic_category(), "mkdtemp");
        path_ = templ;
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A child process that waits until told (by closing its pipe), then exits
// with `code` (or is killed); reaped by the test.
class child_process {
public:
    explicit child_process(int code = 0) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) < 0)
            throw std::system_error(errno, std::generic_category(), "pipe2");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(p[1]);
            char c;
            while (::read(p[0], &c, 1) < 0 && errno == EINTR) {
            }
            ::_exit(code);
        }
        ::close(p[0]);
        gate_.reset(p[1]);
        // The child keeps its read end at this number: pidfd_getfd() can take it.
        remote_fd_ = p[0];
    }
    ~child_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    pid_t pid() const { return pid_; }
    int remote_fd() const { return remote_fd_; }
    void let_go() { gate_.reset(); }
    void forget() { pid_ = -1; } // reaped by the test

private:
    pid_t pid_ = -1;
    int remote_fd_ = -1;
    unique_fd gate_;
};

// --- types that do not depend on a backend ---------------------------------

TEST(UniqueFd, OwnsExactlyOneFd) {
    int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    {
        unique_fd a(raw);
        unique_fd b(std::move(a));
        EXPECT_EQ(a.get(), -1);
        EXPECT_EQ(b.get(), raw);
        unique_fd c;
        c = std::move(b);
        EXPECT_TRUE(c);
        EXPECT_TRUE(fd_is_open(raw));
    }
    EXPECT_FALSE(fd_is_open(raw));
    unique_fd d(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int released = d.release();
    EXPECT_FALSE(d);
    EXPECT_TRUE(fd_is_open(released));
    d.reset(released);
    d.reset();
    EXPECT_FALSE(fd_is_open(released));
}

TEST(PidNamespace, EmptyObjectsEqualNothing) {
    pid_namespace a, b;
    EXPECT_FALSE(a == b) << "two empty objects name no namespace";
    EXPECT_TRUE(a != b);
    EXPECT_FALSE(a == a);
    EXPECT_EQ(a.inode(), 0u);
    EXPECT_EQ(std::hash<pid_namespace>()(a), 0u);
}

TEST(PidNamespace, MovedFromOwnsNothingAndEqualsNothing) {
    pid_namespace a = pid_namespace::current();
    const ino_t inode = a.inode();
    pid_namespace b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(a.inode(), 0u);
    EXPECT_EQ(a.device(), 0u);
    EXPECT_EQ(b.inode(), inode);
    EXPECT_FALSE(a == b) << "a moved-from object equals no namespace";
    EXPECT_NE(a, pid_namespace::current());
    pid_namespace c;
    c = std::move(b);
    EXPECT_FALSE(b == c);
    EXPECT_FALSE(b == a);
    EXPECT_EQ(c, pid_namespace::current());
    int fd = c.release();
    EXPECT_FALSE(c == pid_namespace::current()) << "released: empty";
    ::close(fd);
}

TEST(PidNamespace, HashesByIdentity) {
    std::unordered_set<pid_namespace> set;
    set.insert(pid_namespace::current());
    set.insert(pid_namespace::of_process(::getpid()));
    set.insert(pid_namespace::open("/proc/self/ns/pid"));
    EXPECT_EQ(set.size(), 1u);
    EXPECT_EQ(set.count(pid_namespace::for_children_of(::getpid())), 1u);
    EXPECT_EQ(std::hash<pid_namespace>()(pid_namespace::current()),
              std::hash<pid_namespace>()(pid_namespace::open("/proc/self/ns/pid")));
}

// Bug: open() used to open the path for reading, which blocks on a FIFO
// until a writer comes.
TEST(PidNamespace, OpeningAFifoFailsAtOnce) {
    scratch_dir dir;
    const std::filesystem::path fifo = dir.path() / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    int result = -1;
    ASSERT_TRUE(finishes_within(
        10,
        [&] {
            std::error_code ec;
            pid_namespace ns = pid_namespace::open(fifo, ec);
            return ec == std::errc::invalid_argument && !ns ? 0 : 1;
        },
        result))
        << "pid_namespace::open() of a FIFO blocked";
    EXPECT_EQ(result, 0) << "not EINVAL";
}

// Bug: open() used to open a device node for real (its driver's open ran).
TEST(PidNamespace, OpeningADeviceDoesNotOpenIt) {
    scratch_dir dir;
    const std::filesystem::path null = dir.path() / "null";
    if (::mknod(null.c_str(), S_IFCHR | 0600, ::makedev(1, 3)) < 0)
        GTEST_SKIP() << "mknod needs CAP_MKNOD";
    unique_fd watch(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!watch && errno == ENOSYS)
        GTEST_SKIP() << "no inotify (CONFIG_INOTIFY_USER) to see opens with";
    ASSERT_TRUE(watch);
    ASSERT_GE(::inotify_add_watch(watch.get(), null.c_str(), IN_OPEN), 0);
    auto opened = [&] {
        alignas(inotify_event) char buf[4096];
        bool any = false;
        while (::read(watch.get(), buf, sizeof buf) > 0)
            any = true;
        return any;
    };
    std::error_code ec;
    pid_namespace ns = pid_namespace::open(null, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(opened()) << "the device was opened";
    unique_fd control(::open(null.c_str(), O_RDONLY | O_CLOEXEC));
    EXPECT_TRUE(opened()) << "control: a real open is seen";
}

TEST(PidNamespace, OpeningOtherFilesFailsWithEinval) {
    scratch_dir dir;
    std::error_code ec;
    EXPECT_FALSE(pid_namespace::open(dir.path(), ec));
    EXPECT_EQ(ec, std::errc::invalid_argument) << "a directory";
    EXPECT_FALSE(pid_namespace::open("/proc/self/ns/net", ec));
    EXPECT_EQ(ec, std::errc::invalid_argument) << "another namespace type";
    EXPECT_FALSE(pid_namespace::open("/proc/self/status", ec));
    EXPECT_EQ(ec, std::errc::invalid_argument) << "a /proc file";
    const std::filesystem::path link = dir.path() / "link";
    std::filesystem::create_symlink("/proc/self/ns/pid", link);
    EXPECT_EQ(pid_namespace::open(link), pid_namespace::current()) << "symlinks are followed";
}

TEST(Pidfd, FromFdChecksItIsAPidfdAndAlwaysOwnsIt) {
    int raw = static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0));
    ASSERT_GE(raw, 0);
    {
        pidfd p = pidfd::from_fd(raw);
        EXPECT_EQ(p.fd(), raw);
        EXPECT_EQ(p.pid(), ::getpid());
    }
    EXPECT_FALSE(fd_is_open(raw));

    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    std::error_code ec;
    pidfd none = pidfd::from_fd(null, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "an open fd that is no pidfd";
    EXPECT_FALSE(none);
    EXPECT_FALSE(fd_is_open(null)) << "closed, not leaked";

    null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    try {
        (void)pidfd::from_fd(null);
        ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::invalid_argument);
    }
    EXPECT_FALSE(fd_is_open(null));

    int closed = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ::close(closed);
    (void)pidfd::from_fd(closed, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    (void)pidfd::from_fd(-1, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
}

TEST(Pidfd, FromFdTakesAPidfdOfAReapedProcess) {
    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int raw = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
    ASSERT_GE(raw, 0);
    ::waitpid(child, nullptr, 0);
    std::error_code ec;
    pidfd p = pidfd::from_fd(raw, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(p.fd(), raw);
}

TEST(Pidfd, EqualMeansTheSameProcess) {
    child_process child;
    pidfd a = pidfd::open(::getpid());
    pidfd b = pidfd::open(::getpid());
    pidfd c = pidfd::open(child.pid());
    EXPECT_NE(a.fd(), b.fd());
    EXPECT_TRUE(a == b);
    EXPECT_FALSE(a != b);
    EXPECT_FALSE(a == c);
    EXPECT_EQ(std::hash<pidfd>()(a), std::hash<pidfd>()(b));
    EXPECT_NE(a.inode(), 0u);
    pidfd moved = std::move(a);
    EXPECT_FALSE(a == moved) << "moved-from: empty";
    EXPECT_FALSE(pidfd() == pidfd());
    std::unordered_set<pidfd> set;
    set.insert(std::move(moved));
    set.insert(std::move(b));
    set.insert(std::move(c));
    EXPECT_EQ(set.size(), 2u);
}

TEST(Pidfd, EmptyPidfdsFailWithEbadf) {
    pidfd none;
    std::error_code ec;
    EXPECT_EQ(none.pid(ec), 0);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    EXPECT_EQ(none.wait(ec), std::nullopt);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    EXPECT_EQ(none.try_wait(ec), std::nullopt);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    none.send_signal(0, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
}

// Issue 16: pidfd::open(pid) used to open /proc/self/ns/pid and go through
// the backend (26 system calls on nsfs); it is one pidfd_open() now, so it
// works where a process may not open or read any file.
TEST(Pidfd, OpenInTheCallersNamespaceOpensNoFile) {
    child_process child;
    const pid_t target = child.pid();
    int result = run_denying({SYS_openat, SYS_open, SYS_read, SYS_ioctl, SYS_newfstatat, SYS_fstat,
                              SYS_statx, SYS_readlinkat},
                             [target] {
                                 std::error_code ec;
                                 pidfd p = pidfd::open(target, ec);
                                 if (ec)
                                     return 1;
                                 pidfd t = pidfd::open(target, open_flags::nonblock, ec);
                                 return ec ? 2 : 0;
                             });
    if (result == no_seccomp)
        GTEST_SKIP() << "no seccomp filters (CONFIG_SECCOMP_FILTER) to deny calls with";
    EXPECT_EQ(result, 0);
}

TEST(Pidfd, OpenChecksItsArgumentsLikePidfdOpen) {
    std::error_code ec;
    EXPECT_FALSE(pidfd::open(0, ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(pidfd::open(-1, open_flags::thread, ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(pidfd::open(4194305, ec));
    EXPECT_EQ(ec, std::errc::no_such_process);
}

TEST(Backend, NamesRoundTrip) {
    for (backend b : {backend::automatic, backend::native, backend::nsfs, backend::procfs})
        EXPECT_EQ(pidctl::parse_backend(pidctl::to_string(b)), b);
    EXPECT_EQ(pidctl::parse_backend("bogus"), std::nullopt);
    EXPECT_EQ(pidctl::parse_backend(""), std::nullopt);
}

TEST(Backend, ActiveIsConcreteAndWorks) {
    backend active = pidctl::active_backend();
    EXPECT_NE(active, backend::automatic);
    EXPECT_TRUE(pidctl::backend_available(backend::automatic));
}

TEST(Backend, SelectingAnAbsentBackendFailsWithEnosys) {
    const backend before = pidctl::active_backend();
    for (backend b : pidctl_test::concrete_backends) {
        if (pidctl::backend_available(b))
            continue;
        std::error_code ec;
        pidctl::select_backend(b, ec);
        EXPECT_EQ(ec, std::errc::function_not_supported) << pidctl::to_string(b);
        EXPECT_EQ(pidctl::active_backend(), before);
        try {
            pidctl::select_backend(b);
            ADD_FAILURE() << "no exception";
        } catch (const std::system_error& e) {
            EXPECT_EQ(e.code().value(), ENOSYS);
            EXPECT_EQ(&e.code().category(), &std::generic_category());
        }
        // Without the probe, the backend itself says so too.
        EXPECT_EQ(pidctl::detail::call(b, PIDCMD_QUERY_PIDNS, 0, -1, -1, 0), -ENOSYS);
    }
}

TEST(Backend, AutomaticPicksTheBestWorkingOne) {
    const backend before = pidctl::active_backend();
    pidctl::select_backend(backend::automatic);
    backend expected = pidctl::backend_available(backend::native) ? backend::native
                       : pidctl::backend_available(backend::nsfs) ? backend::nsfs
                                                                  : backend::procfs;
    EXPECT_EQ(pidctl::active_backend(), expected);
    pidctl::select_backend(before);
}

// --- per backend -------------------------------------------------------------

class Api : public testing::TestWithParam<backend> {
protected:
    void SetUp() override {
        SKIP_UNLESS_BACKEND(GetParam());
        previous_ = pidctl::active_backend();
        pidctl::select_backend(GetParam());
    }
    void TearDown() override {
        if (!IsSkipped())
            pidctl::select_backend(previous_);
    }

private:
    backend previous_ = backend::automatic;
};

TEST_P(Api, NamespacesCompareByIdentityNotFd) {
    pid_namespace a = pid_namespace::current();
    pid_namespace b = pid_namespace::of_process(::getpid());
    pid_namespace c = pid_namespace::open("/proc/self/ns/pid");
    pid_namespace d = pid_namespace::from_fd(::dup(a.fd()));
    pid_namespace e = pid_namespace::for_children_of(::getpid());
    EXPECT_NE(a.fd(), b.fd());
    EXPECT_TRUE(a == b && b == c && c == d && d == e);
    EXPECT_EQ(pidctl::relation(a, c), ns_relation::equal);
    EXPECT_NE(a.inode(), 0u);
}

TEST_P(Api, NamespaceErrors) {
    std::error_code ec;
    pid_namespace ns = pid_namespace::open("/nonexistent/ns", ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    EXPECT_FALSE(ns);
    EXPECT_THROW((void)pid_namespace::open("/dev/null"), std::filesystem::filesystem_error);
    EXPECT_FALSE(pid_namespace::open("/proc/self/ns/net", ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(pid_namespace::of_process(4194305, ec));
    EXPECT_EQ(ec, std::errc::no_such_process);
    EXPECT_FALSE(pid_namespace::from_fd(-1, ec));
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    try {
        (void)pid_namespace::of_process(4194305);
        ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_process);
        EXPECT_EQ(&e.code().category(), &std::generic_category());
    }
}

TEST_P(Api, FromFdAdoptsEvenOnFailure) {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    std::error_code ec;
    pid_namespace ns = pid_namespace::from_fd(null, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(fd_is_open(null)) << "closed, not leaked";
    int raw = ::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    {
        pid_namespace owned = pid_namespace::from_fd(raw);
        EXPECT_EQ(owned.fd(), raw);
    }
    EXPECT_FALSE(fd_is_open(raw));
}

TEST_P(Api, MovedFromNamespacesAreEmptyAndRefused) {
    pid_namespace a = pid_namespace::current();
    pid_namespace b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(a.fd(), -1);
    std::error_code ec;
    EXPECT_EQ(pidctl::relation(a, b, ec), std::nullopt);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor) << "an empty namespace is not 'the caller's'";
    EXPECT_EQ(pidctl::translate(::getpid(), b, a, ec), 0);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    EXPECT_FALSE(pidfd::open(1, a, ec));
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    EXPECT_EQ(pidfd::open(::getpid()).pid_in(a, ec), 0);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    int fd = b.release();
    EXPECT_TRUE(fd_is_open(fd));
    ::close(fd);
}

TEST_P(Api, ParentIsHiddenBeyondTheCallersNamespace) {
    std::error_code ec;
    EXPECT_FALSE(pid_namespace::current().parent(ec));
    EXPECT_EQ(ec, std::errc::operation_not_permitted);
}

TEST_P(Api, PidfdOfSelf) {
    pidfd self = pidfd::open(::getpid());
    EXPECT_EQ(self.pid(), ::getpid());
    EXPECT_EQ(self.pid_in(pid_namespace::current()), ::getpid());
    EXPECT_EQ(pidctl::translate(self, pid_namespace::current()), ::getpid());
    EXPECT_EQ(pid_namespace::of(self), pid_namespace::current());
    self.send_signal(0);
    std::error_code ec;
    EXPECT_EQ(self.wait(ec), std::nullopt) << "not 'exited with code 0'";
    EXPECT_EQ(ec, std::errc::no_child_process);
    EXPECT_EQ(self.try_wait(ec), std::nullopt) << "not 'still running'";
    EXPECT_EQ(ec, std::errc::no_child_process);
    EXPECT_TRUE(::fcntl(self.fd(), F_GETFD) & FD_CLOEXEC);
    pidfd in_ns = pidfd::open(::getpid(), pid_namespace::current());
    EXPECT_TRUE(in_ns == self);
    EXPECT_TRUE(::fcntl(in_ns.fd(), F_GETFD) & FD_CLOEXEC);
}

TEST_P(Api, PidfdErrorsBothForms) {
    std::error_code ec;
    const pid_namespace self = pid_namespace::current();
    pidfd none = pidfd::open(4194305, self, ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
    EXPECT_FALSE(none);
    EXPECT_THROW((void)pidfd::open(4194305, self), std::system_error);
    EXPECT_FALSE(pidfd::open(0, self, ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST_P(Api, WaitReportsExitCodes) {
    child_process child(7);
    pidfd process = pidfd::open(child.pid());
    EXPECT_EQ(process.try_wait(), std::nullopt) << "still running";
    std::error_code ec;
    auto running = process.try_wait(ec);
    EXPECT_FALSE(ec);
    ASSERT_TRUE(running.has_value()) << "an answer, not a failure";
    EXPECT_EQ(*running, std::nullopt) << "still running";
    child.let_go();
    pidctl::exit_status status = process.wait();
    child.forget();
    EXPECT_TRUE(status.exited());
    EXPECT_EQ(status.code(), 7);
}

TEST_P(Api, WaitReportsSignals) {
    child_process child;
    pidfd process = pidfd::open(child.pid());
    process.send_signal(SIGKILL);
    pidctl::exit_status status = process.wait();
    child.forget();
    EXPECT_TRUE(status.signaled());
    EXPECT_EQ(status.signal(), SIGKILL);
    EXPECT_EQ(status.code(), -1);
}

TEST_P(Api, NonblockingPidfdDoesNotWait) {
    child_process child;
    pidfd process = pidfd::open(child.pid(), pid_namespace::current(), open_flags::nonblock);
    std::error_code ec;
    EXPECT_EQ(process.wait(ec), std::nullopt);
    EXPECT_EQ(ec, std::errc::resource_unavailable_try_again);
}

TEST_P(Api, GetFdDuplicatesTheChildsFd) {
    child_process child;
    pidfd process = pidfd::open(child.pid());
    unique_fd copy = process.get_fd(child.remote_fd());
    ASSERT_TRUE(copy);
    EXPECT_TRUE(::fcntl(copy.get(), F_GETFD) & FD_CLOEXEC);
    std::error_code ec;
    unique_fd none = process.get_fd(9999, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    EXPECT_FALSE(none);
}

TEST_P(Api, ThreadPidfds) {
    sleeping_thread t;
    const pid_t tid = t.tid();
    std::error_code ec;
    EXPECT_FALSE(pidfd::open(tid, pid_namespace::current(), ec));
    EXPECT_EQ(ec, std::errc::invalid_argument) << "not a thread-group leader";
    EXPECT_FALSE(pidfd::open(tid, ec));
    EXPECT_EQ(ec, std::errc::invalid_argument) << "not a thread-group leader";
    pidfd thread = pidfd::open(tid, pid_namespace::current(), open_flags::thread);
    EXPECT_EQ(thread.pid(), tid);
    pidfd same = pidfd::open(tid, open_flags::thread);
    EXPECT_EQ(same.pid(), tid);
    EXPECT_TRUE(same == thread);
    EXPECT_FALSE(same == pidfd::open(::getpid())) << "a thread is not its leader";
    EXPECT_EQ(pid_namespace::of_process(tid), pid_namespace::current());
}

TEST_P(Api, ReapedProcessesAreEsrch) {
    child_process child;
    pidfd process = pidfd::open(child.pid());
    child.let_go();
    (void)process.wait();
    child.forget();
    std::error_code ec;
    EXPECT_EQ(process.pid(ec), 0);
    EXPECT_EQ(ec, std::errc::no_such_process);
    EXPECT_EQ(process.pid_in(pid_namespace::current(), ec), 0);
    EXPECT_EQ(ec, std::errc::no_such_process);
    process.send_signal(0, ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
}

TEST_P(Api, AcrossNamespaces) {
    if (!pidctl_test::can_build_trees())
        GTEST_SKIP() << "needs root and CLONE_NEWPID";
    pidctl_test::tree_spec spec;
    spec.nodes.push_back({-1, true, 0, false, pidctl_test::fate::running});
    spec.nodes.push_back({0, true, 0, false, pidctl_test::fate::running});
    pidctl_test::ns_tree tree(spec);
    const pid_namespace& self = tree.namespaces()[0].handle;
    const pid_namespace& child = tree.namespaces()[1].handle;
    const pid_namespace& grandchild = tree.namespaces()[2].handle;
    const pid_t init = tree.tasks()[tree.main_task(0)].tid;
    const pid_t inner = tree.tasks()[tree.main_task(1)].tid;

    EXPECT_EQ(pidctl::relation(self, grandchild), ns_relation::source_is_ancestor);
    EXPECT_EQ(pidctl::relation(grandchild, child), ns_relation::target_is_ancestor);
    EXPECT_EQ(pidctl::translate(1, child, self), init);
    EXPECT_EQ(pidctl::translate(inner, self, grandchild), 1);
    EXPECT_EQ(pidctl::translate(1, grandchild, child), 2);
    EXPECT_EQ(pid_namespace::of_process(inner), grandchild);
    EXPECT_EQ(pid_namespace::of_process(init).parent(), self);
    EXPECT_EQ(pid_namespace::for_children_of(init), child);

    std::error_code ec;
    EXPECT_EQ(pidctl::translate(init, self, grandchild, ec), 0);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    try {
        (void)pidctl::translate(init, self, grandchild);
        ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    }

    pidfd p = pidfd::open(1, grandchild);
    EXPECT_EQ(p.pid(), inner);
    EXPECT_EQ(p.pid_in(grandchild), 1);
    EXPECT_EQ(p.pid_in(child), 2);
    EXPECT_EQ(pidctl::translate(p, child), 2);
    EXPECT_EQ(pid_namespace::of(p), grandchild);
    EXPECT_TRUE(p == pidfd::open(inner));
    EXPECT_FALSE(pidfd::open(2, grandchild, ec));
    EXPECT_EQ(ec, std::errc::no_such_process);
    pidfd outer = pidfd::open(init);
    EXPECT_EQ(outer.pid_in(grandchild, ec), 0);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << "no number below its namespace";
}

// Issue 16: pid() read two /proc files per call; it is the kernel's answer
// now (pidctl(), else PIDFD_GET_INFO), so it reads no file on such kernels.
TEST_P(Api, PidOfAPidfdReadsNoFile) {
    if (GetParam() != backend::native && !kernel_at_least(6, 13))
        GTEST_SKIP() << "stock kernels before 6.13 have no PIDFD_GET_INFO: /proc it is";
    child_process child;
    pidfd process = pidfd::open(child.pid());
    const pid_t expected = child.pid();
    int result = run_denying({SYS_read, SYS_pread64, SYS_readv}, [&] {
        std::error_code ec;
        pid_t pid = process.pid(ec);
        return !ec && pid == expected ? 0 : 1;
    });
    if (result == no_seccomp)
        GTEST_SKIP() << "no seccomp filters (CONFIG_SECCOMP_FILTER) to deny calls with";
    EXPECT_EQ(result, 0);
}

TEST_P(Api, ErrorCodeFormsReturnNoAnswerOnFailure) {
    std::error_code ec;
    const pid_namespace self = pid_namespace::current();
    scratch_dir dir;
    EXPECT_EQ(pidctl::relation(self, pid_namespace(), ec), std::nullopt);
    EXPECT_TRUE(ec);
    EXPECT_EQ(pidctl::translate(4194305, self, self, ec), 0);
    EXPECT_TRUE(ec);
    child_process child;
    pidfd process = pidfd::open(child.pid());
    child.let_go();
    EXPECT_TRUE(process.wait().exited());
    child.forget();
    EXPECT_EQ(process.wait(ec), std::nullopt) << "reaped already: ECHILD, no status";
    EXPECT_EQ(ec, std::errc::no_child_process);
    EXPECT_EQ(pidctl::translate(process, self, ec), 0);
    EXPECT_EQ(ec, std::errc::no_such_process);
}

TEST_P(Api, NoFdLeaksOnAnyPath) {
    const int before = pidctl_test::open_fd_count();
    for (int i = 0; i < 10; ++i) {
        std::error_code ec;
        pid_namespace self = pid_namespace::current();
        EXPECT_EQ(pidctl::translate(::getpid(), self, self), ::getpid());
        EXPECT_EQ(pidctl::translate(4194305, self, self, ec), 0);
        EXPECT_EQ(pidctl::relation(self, pid_namespace::of_process(::getpid())),
                  ns_relation::equal);
        EXPECT_THROW((void)pidctl::translate(4194305, self, self), std::system_error);
        EXPECT_THROW((void)pid_namespace::open("/dev/null"), std::system_error);
        EXPECT_THROW((void)pid_namespace::of_process(4194305), std::system_error);
        EXPECT_THROW((void)pidfd::open(4194305), std::system_error);
        EXPECT_THROW((void)pidfd::open(4194305, self), std::system_error);
        EXPECT_THROW((void)pidfd::from_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)),
                     std::system_error);
        pidfd p = pidfd::open(::getpid());
        EXPECT_EQ(p.pid_in(self), ::getpid());
        EXPECT_TRUE(pid_namespace::of(p));
        EXPECT_FALSE(self.parent(ec));
    }
    EXPECT_EQ(pidctl_test::open_fd_count(), before);
}

TEST_P(Api, ConcurrentCallsAgree) {
    const pid_t self = ::getpid();
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            pid_namespace ns = pid_namespace::current();
            for (int i = 0; i < 100; ++i) {
                if (pidctl::translate(self, ns, ns) != self)
                    ++wrong;
                if (pidctl::relation(ns, ns) != ns_relation::equal)
                    ++wrong;
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(wrong, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, Api, testing::ValuesIn(pidctl_test::concrete_backends),
                         pidctl_test::backend_name);

} // namespace
