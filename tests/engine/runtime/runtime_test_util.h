#pragma once
// Helpers shared by the runtime tests: an event recorder, term shorthands, and receive helpers.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/runtime/runtime.h"
#include "engine/runtime/runtime_impl.h"  // render_term, for readable failures

namespace tasklens::testing {

struct Recorder : trace::EventSink {
    std::vector<trace::Event> events;
    void on_event(const trace::Event& event) override { events.push_back(event); }

    std::vector<trace::Event> of_kind(trace::EventKind kind) const {
        std::vector<trace::Event> out;
        for (const auto& e : events)
            if (e.kind == kind) out.push_back(e);
        return out;
    }
    std::vector<trace::Event> about(Pid pid, trace::EventKind kind) const {
        std::vector<trace::Event> out;
        for (const auto& e : events)
            if (e.kind == kind && e.pid == pid) out.push_back(e);
        return out;
    }
};

inline Term a(std::string_view name) {
    return Term::atom(name);
}
inline Term i(int64_t v) {
    return Term::integer(v);
}
inline Term pid(Pid p) {
    return Term::pid(p);
}
inline Term ref(Ref r) {
    return Term::reference(r);
}
inline Term t(std::initializer_list<Term> items) {
    return Term::tuple(items);
}

inline RuntimeOptions test_options(trace::EventSink* sink = nullptr) {
    RuntimeOptions options;
    options.schedulers = 2;
    options.events = sink;
    return options;
}

/// Any next message, or nullopt after the timeout.
inline Co<std::optional<Term>> next_message(ProcessContext& ctx,
                                            Timeout timeout = Timeout::infinity()) {
    return ctx.receive([](const Term&) { return true; }, timeout);
}

/// The reason of the DOWN for monitor `r`.
inline Co<Term> down_reason(ProcessContext& ctx, Ref r) {
    auto down = co_await ctx.receive(
        [r](const Term& m) {
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).as_reference() == r;
        },
        Timeout::infinity());
    co_return down->element(4);
}

/// A body that waits for any message forever.
inline ProcessBody idle_body() {
    return [](ProcessContext& ctx) -> Co<void> { co_await next_message(ctx); };
}
/// A body that blocks forever without reading its mailbox.
inline ProcessBody sleeper_body() {
    return [](ProcessContext& ctx) -> Co<void> { co_await ctx.sleep(Timeout::infinity()); };
}

}  // namespace tasklens::testing

#define EXPECT_TERM_EQ(actual, expected)                       \
    EXPECT_TRUE(::tasklens::exact_equal((actual), (expected))) \
        << "actual:   " << ::tasklens::render_term(actual)     \
        << "\nexpected: " << ::tasklens::render_term(expected)
