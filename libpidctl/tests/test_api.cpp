// SPDX-License-Identifier: LGPL-2.1-or-later
// The public C++ API: RAII types, both error forms, pidfd operations, and
// backend selection. Backend-dependent tests run once per working backend.
#include "nstree.hpp"
#include "support.hpp"

#include <linux/pidctl.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using pidctl::backend;
using pidctl::ns_relation;
using pidctl::open_flags;
using pidctl::pid_namespace;
using pidctl::pidfd;
using pidctl::unique_fd;

namespace {

bool fd_is_open(int fd) {
    return ::fcntl(fd, F_GETFD) >= 0;
}

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
    EXPECT_THROW(pid_namespace::open("/dev/null"), std::filesystem::filesystem_error);
    pid_namespace::open("/proc/self/ns/net", ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    pid_namespace::of_process(4194305, ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
    pid_namespace::from_fd(-1, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    try {
        pid_namespace::of_process(4194305);
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
    pidctl::relation(a, b, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor) << "an empty namespace is not 'the caller's'";
    pidctl::translate(::getpid(), b, a, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor);
    int fd = b.release();
    EXPECT_TRUE(fd_is_open(fd));
    ::close(fd);
}

TEST_P(Api, ParentIsHiddenBeyondTheCallersNamespace) {
    std::error_code ec;
    pid_namespace::current().parent(ec);
    EXPECT_EQ(ec, std::errc::operation_not_permitted);
}

TEST_P(Api, PidfdOfSelf) {
    pidfd self = pidfd::open(::getpid());
    EXPECT_EQ(self.pid(), ::getpid());
    EXPECT_EQ(self.pid_in(pid_namespace::current()), ::getpid());
    EXPECT_EQ(pid_namespace::of(self), pid_namespace::current());
    self.send_signal(0);
    std::error_code ec;
    self.wait(ec);
    EXPECT_EQ(ec, std::errc::no_child_process);
    EXPECT_TRUE(::fcntl(self.fd(), F_GETFD) & FD_CLOEXEC);
}

TEST_P(Api, PidfdErrorsBothForms) {
    std::error_code ec;
    pidfd none = pidfd::open(4194305, ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
    EXPECT_FALSE(none);
    EXPECT_THROW(pidfd::open(4194305), std::system_error);
    pidfd::open(0, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST_P(Api, WaitReportsExitCodes) {
    child_process child(7);
    pidfd process = pidfd::open(child.pid());
    EXPECT_EQ(process.try_wait(), std::nullopt) << "still running";
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
    process.wait(ec);
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
    std::atomic<pid_t> tid{0};
    std::atomic<bool> done{false};
    std::thread t([&] {
        tid = ::gettid();
        while (!done)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    while (!tid)
        std::this_thread::yield();
    std::error_code ec;
    pidfd::open(tid, pid_namespace::current(), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "not a thread-group leader";
    pidfd thread = pidfd::open(tid, pid_namespace::current(), open_flags::thread);
    EXPECT_EQ(thread.pid(), tid);
    EXPECT_EQ(pid_namespace::of_process(tid), pid_namespace::current());
    done = true;
    t.join();
}

TEST_P(Api, ReapedProcessesAreEsrch) {
    child_process child;
    pidfd process = pidfd::open(child.pid());
    child.let_go();
    process.wait();
    child.forget();
    std::error_code ec;
    process.pid(ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
    process.pid_in(pid_namespace::current(), ec);
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
        pidctl::translate(init, self, grandchild);
        ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    }

    pidfd p = pidfd::open(1, grandchild);
    EXPECT_EQ(p.pid(), inner);
    EXPECT_EQ(p.pid_in(grandchild), 1);
    EXPECT_EQ(p.pid_in(child), 2);
    EXPECT_EQ(pid_namespace::of(p), grandchild);
    pidfd::open(2, grandchild, ec);
    EXPECT_EQ(ec, std::errc::no_such_process);
}

TEST_P(Api, NoFdLeaksOnAnyPath) {
    const int before = pidctl_test::open_fd_count();
    for (int i = 0; i < 10; ++i) {
        std::error_code ec;
        pid_namespace self = pid_namespace::current();
        pidctl::translate(::getpid(), self, self);
        pidctl::translate(4194305, self, self, ec);
        pidctl::relation(self, pid_namespace::of_process(::getpid()));
        EXPECT_THROW(pidctl::translate(4194305, self, self), std::system_error);
        EXPECT_THROW(pid_namespace::open("/dev/null"), std::system_error);
        EXPECT_THROW(pid_namespace::of_process(4194305), std::system_error);
        EXPECT_THROW(pidfd::open(4194305), std::system_error);
        pidfd p = pidfd::open(::getpid());
        p.pid_in(self);
        pid_namespace::of(p);
        self.parent(ec);
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
