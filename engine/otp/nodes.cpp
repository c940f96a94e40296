// Virtual nodes from scenarios, through OTP 25's own API: :peer.start/1 and :peer.start_link/1
// start a node, :peer.stop/1 takes it down, :net_kernel.monitor_nodes/1,2 delivers
// {:nodeup, node} and {:nodedown, node}. Every node lives inside the one runtime
// (Runtime::start_node); this file keeps which nodes a scenario took down and who watches.
//
// Real Elixir needs a distributed node for :peer (`elixir --sname main@localhost x.exs`; plain
// `elixir x.exs` raises :not_alive); Tasklens accepts :peer in any scenario and keeps the local
// node's name (node/0) as it is. A peer is named name@host, host from the `host:` option
// (a charlist) or "localhost" when it is not given (real :peer uses the machine's host name).
//
// On a node, Node.spawn/2,4 and Node.spawn_link/2 place processes and {name, node} addresses
// names registered there. When the node goes down, links and monitors across it fire with
// :noconnection (so GenServer.call exits {:nodedown, node} and Task.await exits
// {{:nodedown, node}, {Task, :await, _}}), node watchers get {:nodedown, node}, and the node's
// processes are gone.
#include <map>
#include <set>

#include <algorithm>

#include "engine/otp/common.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp {
using namespace detail;

namespace {

using Args = std::span<const Term>;

/// The scenario's view of the nodes: peers by control process, nodes taken down, watchers.
struct NodeState {
    std::map<Pid, uint32_t> peer_node;
    std::set<uint32_t> down;
    std::vector<Pid> watchers;  ///< one entry per monitor_nodes(true), as erts counts them
};

NodeState& node_state(ProcessContext& ctx) {
    return ctx.runtime().extension<NodeState>();
}

void notify_watchers(ProcessContext& ctx, Atom tag, Atom node_name) {
    auto& watchers = node_state(ctx).watchers;
    std::erase_if(watchers, [&](Pid p) { return !ctx.alive(p); });
    for (Pid watcher : watchers) ctx.send(watcher, tup({A(tag), A(node_name)}));
}

const Atom& peer_stop_tag() {
    static const Atom tag = Atom::intern("$tasklens_peer_stop");
    return tag;
}

/// The peer control process (peer.erl's gen_statem): waits until :peer.stop/1 tells it the node
/// is down, then answers and ends.
Co<void> peer_body(ProcessContext& ctx) {
    auto msg = co_await ctx.receive(
        [](const Term& m) { return m.is_tuple(2) && m.element(0).is_atom(peer_stop_tag()); },
        Timeout::infinity());
    if (msg && msg->element(1).is_pid()) ctx.send(msg->element(1).as_pid(), A(atom::ok));
}

std::string charlist_text(const Term& list) {
    std::string out;
    for (ListIterator it(list); !it.done(); ++it) {
        if (!(*it).is_integer() || (*it).as_integer() < 0 || (*it).as_integer() > 127) return {};
        out += static_cast<char>((*it).as_integer());
    }
    return out;
}

Co<Term> peer_start(ProcessContext& ctx, Args a, bool link) {
    const Term* name = a[0].is_map() ? a[0].map_find(A(at().name)) : nullptr;
    if (!name || !(name->is_atom() || name->is_list()))
        raise_argument(
            "Tasklens supports :peer.start/1 and :peer.start_link/1 with a map that "
            "has a :name (an atom), got: " +
            inspect(a[0]));
    std::string host = "localhost";
    if (const Term* h = a[0].map_find(A(Atom::intern("host")))) {
        host = charlist_text(*h);
        if (host.empty())
            raise_argument("the :host option of :peer must be a charlist, got: " + inspect(*h));
    }
    const std::string base =
        name->is_atom() ? std::string(name->as_atom().name()) : charlist_text(*name);
    const Atom node_name = Atom::intern(base + "@" + host);
    if (node_reachable(ctx, node_name))
        co_return error_tuple(tup({A(Atom::intern("already_started")), A(node_name)}));
    const uint32_t node = ctx.runtime().start_node(node_name);
    NodeState& nodes = node_state(ctx);
    nodes.down.erase(node);
    SpawnOptions o;
    o.link = link;
    o.initial_call = tup({A(Atom::intern("peer")), A(at().init), Term::integer(1)});
    if (ctx.recording()) o.label = "peer " + std::string(node_name.name());
    const Pid peer = ctx.spawn([](ProcessContext& c) { return peer_body(c); }, o).pid;
    nodes.peer_node[peer] = node;
    notify_watchers(ctx, Atom::intern("nodeup"), node_name);
    co_return tup({A(atom::ok), Term::pid(peer), A(node_name)});
}

Co<Term> peer_start_1(ProcessContext& ctx, Args a) {
    co_return co_await peer_start(ctx, a, false);
}
Co<Term> peer_start_link_1(ProcessContext& ctx, Args a) {
    co_return co_await peer_start(ctx, a, true);
}

/// :peer.stop(peer): the node goes down, then the control process ends. A peer that is no
/// longer running exits the caller with :noproc, as gen_statem's call does.
Co<Term> peer_stop_1(ProcessContext& ctx, Args a) {
    NodeState& nodes = node_state(ctx);
    auto it = a[0].is_pid() ? nodes.peer_node.find(a[0].as_pid()) : nodes.peer_node.end();
    if (it == nodes.peer_node.end() || !ctx.alive(it->first))
        exit_with(
            tup({A(atom::noproc), tup({A(Atom::intern("gen_statem")), A(at().call),
                                       lst({a[0], A(Atom::intern("stop")), A(atom::infinity)})})}));
    const Pid peer = it->first;
    const uint32_t node = it->second;
    nodes.peer_node.erase(it);
    Runtime& rt = ctx.runtime();
    // As when a real node goes down: links and monitors across it fire with :noconnection, then
    // node watchers hear of it; its processes are gone, and nothing of their end reaches us.
    nodes.down.insert(node);
    rt.disconnect_node(node);
    notify_watchers(ctx, Atom::intern("nodedown"), rt.node_name(node));
    for (Pid pid : rt.processes())
        if (pid.node == node) rt.exit(pid, A(atom::kill));
    ctx.send(peer, tup({A(peer_stop_tag()), Term::pid(ctx.self())}));
    co_await ctx.receive([](const Term& m) { return m.is_atom(atom::ok); }, Timeout::infinity());
    co_return A(atom::ok);
}

/// :net_kernel.monitor_nodes(flag) and monitor_nodes(flag, options): :ok, or :error for a flag
/// that is not a boolean, as net_kernel answers.
Co<Term> net_kernel_monitor_nodes(ProcessContext& ctx, Args a) {
    if (!a[0].is_boolean()) co_return A(atom::error);
    auto& watchers = node_state(ctx).watchers;
    if (a[0].is_atom(atom::true_)) {
        watchers.push_back(ctx.self());
    } else if (auto it = std::find(watchers.begin(), watchers.end(), ctx.self());
               it != watchers.end()) {
        watchers.erase(it);
    }
    co_return A(atom::ok);
}

}  // namespace

namespace detail {

bool node_reachable(ProcessContext& ctx, Atom node_name) {
    const std::optional<uint32_t> node = ctx.runtime().find_node(node_name);
    return node && !node_state(ctx).down.contains(*node);
}

std::optional<Pid> whereis_on_node(ProcessContext& ctx, Atom node_name, Atom name) {
    const std::optional<uint32_t> node = ctx.runtime().find_node(node_name);
    if (!node || node_state(ctx).down.contains(*node)) return std::nullopt;
    if (*node == ctx.self().node) return ctx.whereis(name);
    // Another node's names: the runtime's lookup is by the caller's node, so scan that node's
    // processes ({name, node} addressing is rare next to local names).
    for (Pid pid : ctx.runtime().processes())
        if (pid.node == *node)
            if (auto info = ctx.info(pid); info && info->registered_name == name) return pid;
    return std::nullopt;
}

}  // namespace detail

void register_nodes(CodeRegistry& code) {
    const Atom peer = Atom::intern("peer");
    code.register_native(peer, Atom::intern("start"), 1, peer_start_1);
    code.register_native(peer, Atom::intern("start_link"), 1, peer_start_link_1);
    code.register_native(peer, Atom::intern("stop"), 1, peer_stop_1);
    const Atom net_kernel = Atom::intern("net_kernel");
    for (int arity : {1, 2})
        code.register_native(net_kernel, Atom::intern("monitor_nodes"), arity,
                             net_kernel_monitor_nodes);
}

}  // namespace tasklens::otp
