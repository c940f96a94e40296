#pragma once
// Co<T>: the coroutine type of processes and of everything that can block (receive, sleep,
// Task.await, a scenario function called from native code).
//
// Lazily started; awaiting a Co<T> transfers control to it symmetrically and resumes the awaiter
// when it finishes, so chains of any depth use O(1) C++ stack — the frames live on the heap.
// (In GCC -O0 builds, only loops of awaits are flat; see Co::await_suspend.)
// An exception thrown inside is rethrown at the co_await. Destroying a Co destroys its frame and,
// through the frame's locals, every Co it is awaiting: that is how a killed process is torn down.
//
//   Co<Term> ask(ProcessContext& ctx, Pid server) {
//       ctx.send(server, Term::tuple({Term::pid(ctx.self()), Term::atom("ping")}));
//       auto reply = co_await ctx.receive([](const Term& m) { return m.is_atom(); }, Timeout::millis(1000));
//       co_return reply ? *reply : Term::atom("timeout");
//   }
#include <coroutine>
#include <cstddef>
#include <exception>
#include <new>
#include <optional>
#include <utility>

namespace tasklens {

template <typename T>
class Co;

namespace detail {

/// Coroutine frames are allocated at every receive and freed when it returns; a per-thread free
/// list per 16-byte size class (up to 1 KiB) keeps that off malloc. Blocks are plain
/// ::operator new blocks, so a frame freed on another thread just joins that thread's lists.
/// Cached blocks are returned to the heap when the thread ends (or by release()).
class FrameCache {
public:
    static constexpr size_t kGranule = 16;
    static constexpr size_t kClasses = 64;  // frames up to 1 KiB are cached

    static void* allocate(size_t size) {
        size_t cls = (size + kGranule - 1) / kGranule;
        if (cls == 0 || cls > kClasses) return ::operator new(size);
        Block*& head = lists().heads[cls - 1];
        if (Block* block = head) {
            head = block->next;
            return block;
        }
        return ::operator new(kGranule * cls);
    }
    static void deallocate(void* pointer, size_t size) noexcept {
        size_t cls = (size + kGranule - 1) / kGranule;
        if (cls == 0 || cls > kClasses) {
            ::operator delete(pointer);
            return;
        }
        Lists& cache = lists();
        if (cache.finished) {  // the thread's cache is gone (frames freed during thread exit)
            ::operator delete(pointer);
            return;
        }
        auto* block = static_cast<Block*>(pointer);
        Block*& head = cache.heads[cls - 1];
        block->next = head;
        head = block;
    }
    /// Frees this thread's cached blocks (benchmarks measuring heap use call it first).
    static void release() noexcept { lists().clear(); }

private:
    struct Block {
        Block* next;
    };
    struct Lists {
        Block* heads[kClasses] = {};
        bool finished = false;
        void clear() noexcept {
            for (Block*& head : heads) {
                while (Block* block = head) {
                    head = block->next;
                    ::operator delete(block);
                }
            }
        }
        ~Lists() {
            clear();
            finished = true;
        }
    };
    static Lists& lists() noexcept {
        static thread_local Lists instance;
        return instance;
    }
};

struct CoPromiseBase {
    std::coroutine_handle<> continuation;
    std::exception_ptr exception;

    static void* operator new(size_t size) { return FrameCache::allocate(size); }
    static void operator delete(void* pointer, size_t size) noexcept {
        FrameCache::deallocate(pointer, size);
    }

    std::suspend_always initial_suspend() noexcept { return {}; }

    /// True while the awaiter's await_suspend is running this coroutine as a plain call; if it
    /// finishes then, it returns to that call instead of resuming the awaiter (see Co).
    bool running_inline = false;
    bool finished_inline = false;

    struct FinalAwaiter {
        bool await_ready() noexcept { return false; }
        template <typename P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
            auto& promise = h.promise();
            if (promise.running_inline) {
                promise.finished_inline = true;
                return std::noop_coroutine();
            }
            auto next = promise.continuation;
            return next ? next : std::noop_coroutine();
        }
        void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { exception = std::current_exception(); }
};

template <typename T>
struct CoPromise : CoPromiseBase {
    std::optional<T> value;
    Co<T> get_return_object() noexcept;
    template <typename U>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
    T take() {
        if (exception) std::rethrow_exception(exception);
        return std::move(*value);
    }
};

template <>
struct CoPromise<void> : CoPromiseBase {
    Co<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void take() {
        if (exception) std::rethrow_exception(exception);
    }
};

}  // namespace detail

template <typename T = void>
class [[nodiscard]] Co {
public:
    using promise_type = detail::CoPromise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Co() noexcept = default;
    explicit Co(Handle h) noexcept : handle_(h) {}
    Co(Co&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Co& operator=(Co&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Co(const Co&) = delete;
    Co& operator=(const Co&) = delete;
    ~Co() { reset(); }

    bool valid() const noexcept { return bool(handle_); }
    bool done() const noexcept { return handle_ && handle_.done(); }
    Handle handle() const noexcept { return handle_; }

    /// For the scheduler driving a root coroutine: the result or the exception once done().
    T result() { return handle_.promise().take(); }

    // Awaiting starts the child and continues the awaiter when the child finishes.
    //
    // Optimised builds use symmetric transfer both ways (await_suspend returns the child, the
    // child's final suspend returns the awaiter); GCC and Clang compile those transfers to tail
    // calls, so the C++ stack stays flat however deep the chain and however many awaits a loop
    // performs. GCC at -O0 (Debug and sanitizer builds) makes them ordinary calls, and a loop of
    // awaits would then grow the stack until it overflows; there the child runs as a plain call
    // from await_suspend and, if it finishes without suspending, the awaiter continues right here
    // (await_suspend returns false), so loops stay flat and the stack grows only with the depth
    // of the await chain.
    bool await_ready() const noexcept { return false; }
#if defined(__OPTIMIZE__) || defined(__clang__)
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle_.promise().continuation = awaiting;
        return handle_;
    }
#else
    bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
        auto& promise = handle_.promise();
        promise.continuation = awaiting;
        promise.running_inline = true;
        handle_.resume();
        promise.running_inline = false;
        return !promise.finished_inline;
    }
#endif
    T await_resume() { return handle_.promise().take(); }

private:
    void reset() noexcept {
        if (handle_) handle_.destroy();
        handle_ = {};
    }
    Handle handle_;
};

namespace detail {
template <typename T>
Co<T> CoPromise<T>::get_return_object() noexcept {
    return Co<T>(std::coroutine_handle<CoPromise<T>>::from_promise(*this));
}
inline Co<void> CoPromise<void>::get_return_object() noexcept {
    return Co<void>(std::coroutine_handle<CoPromise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace tasklens
