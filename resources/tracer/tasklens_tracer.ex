defmodule Tasklens.Tracer do
  @moduledoc """
  Records a running Elixir program (Elixir 1.14+, OTP 25+) into a Tasklens trace: JSON Lines in
  the format of docs/trace-format.md, so every Tasklens view, export and `tasklens compare` works
  on it.

      Tasklens.Tracer.start(file: "run.jsonl")   # record into a file
      Tasklens.Tracer.start(port: 4099)          # stream to a Tasklens window on 127.0.0.1
      Tasklens.Tracer.stop()

  What it traces: the calling process and everything it spawns from then on (`set_on_spawn`):
  spawns with `$ancestors`/`$callers`/`$initial_call`, links, exits, registrations, sends and
  receives between traced processes, console output, awaits/yields/calls as wait windows with
  their outcomes (call tracing with exception_trace), sleeps, supervisor child starts, restarts
  and give-ups (from OTP's supervisor reports), and node up/down.

  What a real trace cannot know (docs/real-beam.md): monitors are seen only through their DOWN;
  a `Receive` event means the message was queued, not matched; the cause of a death by exit
  signal is inferred from the reason; scheduling states come from `in`/`out` events.

  Caps, as redbug has them, keep the traced system safe: `max_events_per_second`,
  `max_message_bytes` (message texts are cut like the engine's, at 120 bytes by default),
  `max_queue` (the tracer's own mailbox), and `duration_ms`. Dropped events are counted and the
  trace says how many were dropped and when, as a Log event at warning level.
  """

  @waits [
    {Task, :await, 2, "TaskAwait", 1},
    {Task, :await_many, 2, "TaskAwait", 1},
    {Task, :yield, 2, "TaskYield", 1},
    {Task, :yield_many, 2, "TaskYield", 1},
    {Task, :shutdown, 2, "Shutdown", 1},
    {GenServer, :call, 3, "GenServerCall", 2},
    # Agent.stop and Supervisor.stop come here too. The engine draws a stop as a call that ends
    # with the server's DOWN.
    {GenServer, :stop, 3, "GenServerCall", 2}
  ]
  @sleeps [{Process, :sleep, 1}, {:timer, :sleep, 1}]

  @defaults [
    max_events_per_second: 200_000,
    max_message_bytes: 120,
    max_queue: 100_000,
    duration_ms: :infinity,
    scenario: "real BEAM"
  ]

  @doc "Starts recording the calling process and everything it spawns from now on."
  def start(opts \\ []) do
    opts = Keyword.merge(@defaults, opts)

    unless opts[:file] || opts[:port],
      do: raise(ArgumentError, "Tasklens.Tracer.start/1 needs file: PATH or port: PORT")

    traced = self()
    {tracer, ref} = spawn_monitor(fn -> init(traced, traced, open_sink(opts), opts) end)

    receive do
      {^tracer, :ready} ->
        Process.demonitor(ref, [:flush])
        {:ok, tracer}

      {:DOWN, ^ref, :process, _, reason} ->
        {:error, reason}
    end
  end

  @doc """
  Runs an `.exs` script the way the `elixir` command does (`Code.require_file/1` in this
  process), recording it into `trace_path`. `tasklens record` calls this.
  """
  def record_script(script, trace_path, opts \\ []) do
    # With port: the trace goes to a Tasklens window listening on 127.0.0.1 instead.
    sink = if opts[:port], do: [], else: [file: trace_path]

    case start(sink ++ [scenario: Path.basename(script)] ++ opts) do
      {:ok, _} ->
        :ok

      {:error, {:tasklens_tracer, why}} ->
        IO.puts(:stderr, "tasklens tracer: " <> why)
        System.halt(1)
    end

    System.at_exit(fn _status -> stop() end)
    Code.require_file(script)
  end

  @doc "Stops recording, writes what is pending and closes the trace."
  def stop do
    case Process.whereis(:tasklens_tracer) do
      nil ->
        :ok

      pid ->
        ref = Process.monitor(pid)
        send(pid, {:stop, self()})

        # The tracer writes what is in its mailbox first; the queue cap keeps that short.
        receive do
          {:DOWN, ^ref, _, _, _} -> :ok
        after
          60_000 ->
            # The program is about to end and take the tracer with it: say what is lost, as
            # the trace itself cannot any more.
            queued =
              case Process.info(pid, :message_queue_len) do
                {:message_queue_len, n} -> n
                nil -> 0
              end

            IO.puts(:stderr, "tasklens tracer: still #{queued} trace messages behind after 60 s; the trace ends before the program did (lower --max-queue to keep up)")
            :ok
        end
    end
  end

  defp open_sink(opts) do
    cond do
      path = opts[:file] ->
        {:ok, io} = :file.open(String.to_charlist(path), [:write, :raw, :binary, {:delayed_write, 65_536, 200}])
        {:file, io}

      port = opts[:port] ->
        case :gen_tcp.connect({127, 0, 0, 1}, port, [:binary, packet: :raw, active: false, nodelay: true]) do
          {:ok, socket} ->
            {:tcp, socket}

          {:error, reason} ->
            exit({:tasklens_tracer, "cannot connect to 127.0.0.1:#{port} (#{:inet.format_error(reason)}); is a Tasklens window observing that port?"})
        end

    end
  end

  # --- the tracer process ---------------------------------------------------------------------

  defp init(parent, traced, sink, opts) do
    Process.register(self(), :tasklens_tracer)
    Process.flag(:priority, :high)
    t0 = :erlang.monotonic_time()

    state = %{
      sink: sink,
      t0: t0,
      seq: 0,
      opts: opts,
      buffer: [],
      buffered: 0,
      traced: MapSet.new([traced]),
      refs: %{},
      aliases: %{},
      pending: %{},
      ignored: MapSet.new(),
      next_ref: 1,
      waits: %{},
      children: %{},
      nodes: %{},
      window_start: 0,
      window_count: 0,
      dropped: 0,
      dropped_since: nil,
      checked: 0,
      shedding: false,
      dynamic_sups: MapSet.new(),
      last_t: 0
    }

    header =
      json_object([
        {"format", "tasklens-trace"},
        {"version", 1},
        {"scenario", to_string(opts[:scenario])},
        {"schedulers", :erlang.system_info(:schedulers_online)},
        {"seed", 0},
        {"started_at", DateTime.utc_now() |> DateTime.truncate(:second) |> DateTime.to_iso8601()},
        {"tasklens", "tracer " <> System.version() <> "/OTP " <> System.otp_release()},
        {"time_unit", "us"},
        {"source", "beam"}
      ])

    write_line(state, header)
    :ok = :logger.add_handler(:tasklens_tracer, Tasklens.Tracer.LogHandler, %{level: :all, config: %{tracer: self()}})
    # Supervisor reports are info and error events; a program that silences Logger
    # (`Logger.configure(level: :none)`) would silence them for the tracer too. A module level
    # lets them through to the handlers, where Elixir's own handler still drops them (they are
    # SASL reports) unless handle_sasl_reports is set.
    :logger.set_module_level([:supervisor], :info)
    :net_kernel.monitor_nodes(true)

    # A pattern only applies to a loaded module.
    for {m, _, _, _, _} <- @waits, do: Code.ensure_loaded(m)
    for {m, _, _} <- @sleeps, do: Code.ensure_loaded(m)
    for {m, f, a, _, _} <- @waits, do: :erlang.trace_pattern({m, f, a}, [{:_, [], [{:exception_trace}]}], [:local])
    for {m, f, a} <- @sleeps, do: :erlang.trace_pattern({m, f, a}, [{:_, [], [{:exception_trace}]}], [:local])

    flags = [:procs, :send, :receive, :call, :running, :set_on_spawn, :monotonic_timestamp, {:tracer, self()}]
    :erlang.trace(traced, true, flags)

    state = emit(state, t0, "Spawn", traced, [{"text", to_string(opts[:scenario])}])
    state = emit(state, t0, "StateChange", traced, [{"state", "Running"}])

    case opts[:duration_ms] do
      :infinity -> :ok
      ms -> Process.send_after(self(), :duration_over, ms)
    end

    send(parent, {self(), :ready})
    loop(state)
  end

  defp loop(state) do
    receive do
      {:stop, _from} ->
        finish(state)

      :duration_over ->
        state = emit(state, :erlang.monotonic_time(), "Log", nil, [
          {"level", "Warning"},
          {"text", "tasklens tracer: duration cap reached, recording stopped"}
        ])

        finish(state)

      msg ->
        state |> safely_handle(msg) |> maybe_flush() |> loop()
    end
  end

  defp finish(state) do
    :erlang.trace(:all, false, [:all])
    :logger.remove_handler(:tasklens_tracer)
    :logger.unset_module_level([:supervisor])
    state = note_dropped(state, :erlang.monotonic_time())
    state = flush(state)

    case state.sink do
      {:file, io} -> :file.close(io)
      {:tcp, socket} -> :gen_tcp.close(socket)
    end
  end

  # --- trace messages -> events -----------------------------------------------------------------

  # One odd trace message must not end the recording: it is counted as dropped instead.
  defp safely_handle(state, msg) do
    handle(state, msg)
  rescue
    e ->
      emit(state, :erlang.monotonic_time(), "Log", nil, [
        {"level", "Warning"},
        {"text", "tasklens tracer skipped a trace message: " <> Exception.message(e)}
      ])
  end

  defp handle(state, {:trace_ts, pid, tag, a, ts}) when tag in [:in, :out, :exit, :link, :unlink, :register, :unregister, :receive, :call, :getting_linked, :getting_unlinked, :spawned] do
    state = check_queue(state)
    if admit?(state, ts), do: count(event(state, pid, tag, a, ts)), else: drop(state, ts)
  end

  defp handle(state, {:trace_ts, pid, tag, a, b, ts}) do
    state = check_queue(state)
    if admit?(state, ts), do: count(event(state, pid, tag, a, b, ts)), else: drop(state, ts)
  end

  defp handle(state, {:log, report, meta}), do: supervisor_report(state, report, meta)
  defp handle(state, {:nodeup, node}), do: node_event(state, "NodeUp", node)
  defp handle(state, {:nodedown, node}), do: node_event(state, "NodeDown", node)
  defp handle(state, _other), do: state

  defp event(state, pid, :in, _mfa, ts), do: emit(state, ts, "StateChange", pid, [{"state", "Running"}])
  defp event(state, pid, :out, _mfa, ts) do
    state = start_blocked_waits(state, pid)
    emit(state, ts, "StateChange", pid, [{"state", "Waiting"}])
  end

  defp event(state, pid, :exit, reason, ts) do
    state = close_waits(state, pid, ts, "Killed")
    state = emit(state, ts, "StateChange", pid, [{"state", "Exiting"}])
    emit(state, ts, "Exit", pid, [{"reason_class", reason_class(reason)}, {"text", text(state, reason)}])
  end

  defp event(state, pid, :link, other, ts) when is_pid(other), do: emit(state, ts, "Link", pid, [{"peer", other}])
  defp event(state, pid, :unlink, other, ts) when is_pid(other), do: emit(state, ts, "Unlink", pid, [{"peer", other}])
  defp event(state, pid, :register, name, ts), do: emit(state, ts, "Register", pid, [{"text", inspect(name)}])
  defp event(state, pid, :unregister, name, ts), do: emit(state, ts, "Unregister", pid, [{"text", inspect(name)}])

  defp event(state, pid, :receive, msg, ts) do
    case msg do
      {:io_reply, _, _} ->
        state

      {:code_server, _} ->
        state

      {:DOWN, _ref, :process, who, _reason} when not is_pid(who) ->
        state

      {:DOWN, ref, :process, who, reason} ->
        if MapSet.member?(state.ignored, who), do: state, else: down(state, pid, ref, who, reason, msg, ts)

      {:EXIT, from, reason} when is_pid(from) ->
        # The exit of a process outside the program (one of elixir's own, linked to the
        # script's process before recording began) is not the program's event.
        if MapSet.member?(state.traced, from) do
          state = emit(state, ts, "ExitSignal", pid, [{"peer", from}, {"disposition", "Trapped"}, {"text", text(state, reason)}])
          emit(state, ts, "Receive", pid, [{"peer", from}, {"text", text(state, msg)}])
        else
          state
        end

      # The first message of a task carries its $callers (Task.Supervised.reply/4): a
      # Task.async task gets {owner, ref, reply_to, callers, mfa}, a worker of an async_stream
      # {owner, {ref, position}, reply_to, callers, mfa}.
      {owner, ref, _reply_to, [caller | _], _mfa}
      when is_pid(owner) and (is_reference(ref) or (is_tuple(ref) and tuple_size(ref) == 2 and is_reference(elem(ref, 0)))) and
             is_pid(caller) ->
        state = emit(state, ts, "Receive", pid, [{"peer", owner}, {"text", text(state, msg)}])
        emit(state, ts, "Caller", pid, [{"peer", caller}, {"text", "Task"}])

      _ ->
        text = text(state, msg)

        case Map.get(state.pending, {pid, text}, 0) do
          0 ->
            # Not sent by a traced process. A timer's message or an exit of a node is the
            # program's; a reply or an ack from an untraced server (code, file, the compiler's
            # helpers) is not.
            if untraced_reply?(state, msg), do: state, else: emit(state, ts, "Receive", pid, [{"text", text}])

          n ->
            pending = if n == 1, do: Map.delete(state.pending, {pid, text}), else: Map.put(state.pending, {pid, text}, n - 1)
            emit(%{state | pending: pending}, ts, "Receive", pid, [{"text", text}])
        end
    end
  end

  defp event(state, pid, :call, {m, f, args}, ts) do
    case wait_kind(m, f, length(args)) do
      {kind, timeout_pos} ->
        timeout = Enum.at(args, timeout_pos, :infinity)
        deadline = if is_integer(timeout), do: us(state, ts) + timeout * 1000, else: -1
        # Held back until the process is scheduled out: a call that returns without blocking
        # (the reply was already there) is no wait, for the engine either.
        wait = %{mf: {m, f}, ts: ts, fields: [{"wait_kind", kind}, {"deadline", deadline}] ++ wait_peer(hd(args)), started: false}
        %{state | waits: Map.update(state.waits, pid, [wait], &[wait | &1])}

      nil ->
        case args do
          [ms] when is_integer(ms) -> emit(state, ts, "Sleep", pid, [{"deadline", us(state, ts) + ms * 1000}])
          _ -> state
        end
    end
  end

  defp event(state, _pid, :getting_linked, _other, _ts), do: state
  defp event(state, _pid, :getting_unlinked, _other, _ts), do: state
  defp event(state, _pid, :spawned, _parent, _ts), do: state
  defp event(state, _pid, _tag, _a, _ts), do: state

  defp event(state, pid, :spawn, child, {m, f, args}, ts) do
    if elixir_machinery?(m, f, args) or not MapSet.member?(state.traced, pid) do
      # Code.require_file's own helpers (the compiler and lexical tracker) are not the program.
      try do
        :erlang.trace(child, false, [:all])
      rescue
        # It may already be gone.
        ArgumentError -> :ok
      end

      %{state | ignored: MapSet.put(state.ignored, child)}
    else
      traced_spawn(state, pid, child, {m, f, args}, ts)
    end
  end

  defp event(state, pid, :send, msg, to, ts) do
    case msg do
      {:io_request, _, _, request} ->
        case io_chars(request) do
          nil -> state
          {chars, _} ->
            stderr = to == :standard_error or to == Process.whereis(:standard_error)
            emit(state, ts, "Console", pid, [{"text", chars}, {"flags", if(stderr, do: 4, else: 0)}])
        end

      _ ->
        state = learn_alias(state, msg)
        to_pid = resolve(state, to)

        if to_pid && MapSet.member?(state.traced, to_pid) and not MapSet.member?(state.ignored, pid) do
          text = text(state, msg)
          state = %{state | pending: Map.update(state.pending, {to_pid, text}, 1, &(&1 + 1))}
          emit(state, ts, "Send", pid, [{"peer", to_pid}, {"text", text}])
        else
          state
        end
    end
  end

  defp event(state, pid, :send_to_non_existing_process, msg, _to, ts),
    do: emit(state, ts, "Send", pid, [{"text", text(state, msg)}])

  defp event(state, pid, :return_from, {m, f, _arity}, value, ts) do
    if wait_kind(m, f, nil), do: end_wait(state, pid, {m, f}, ts, return_outcome(m, f, value)), else: state
  end

  defp event(state, pid, :exception_from, {m, f, _arity}, {class, reason}, ts) do
    if wait_kind(m, f, nil), do: end_wait(state, pid, {m, f}, ts, exception_outcome(class, reason)), else: state
  end

  defp event(state, _pid, _tag, _a, _b, _ts), do: state

  defp traced_spawn(state, pid, child, {m, f, args}, ts) do
    state = %{state | traced: MapSet.put(state.traced, child)}
    flags = if Process.info(pid, :links) |> elem_links() |> Enum.member?(child), do: 1, else: 0
    text = spawn_text(m, f, args)
    state = emit(state, ts, "Spawn", child, [{"peer", pid}, {"text", text}, {"flags", flags}])
    state = if text == "DynamicSupervisor", do: %{state | dynamic_sups: MapSet.put(state.dynamic_sups, child)}, else: state

    # A DynamicSupervisor (Task.Supervisor's too) writes no progress reports, but it spawns
    # nothing except its children: each spawn is a child start (ids are :undefined there).
    state =
      if MapSet.member?(state.dynamic_sups, pid),
        do: emit(state, ts, "ChildStart", pid, [{"peer", child}, {"text", ":undefined"}]),
        else: state

    # Task.Supervised.start/start_link(owner, callers, mfa): $callers is in the arguments.
    case {m, f, args} do
      {:proc_lib, :init_p, [_parent, _ancestors, Task.Supervised, :noreply, [_owner, [caller | _], _]]} when is_pid(caller) ->
        emit(state, ts, "Caller", child, [{"peer", caller}, {"text", "Task"}])

      _ ->
        state
    end
  end

  defp elixir_machinery?(:erlang, :apply, [fun, []]) when is_function(fun),
    do: Function.info(fun, :module) |> elem(1) |> machinery_module?()

  defp elixir_machinery?(:proc_lib, :init_p, [_, _, :gen, :init_it, [_, _, _, module | _]]),
    do: machinery_module?(module)

  defp elixir_machinery?(:proc_lib, :init_p, [_, _, :gen, :init_it, [_, _, _, _, module | _]]),
    do: machinery_module?(module)

  defp elixir_machinery?(m, _f, _args), do: machinery_module?(m)

  # Elixir's Erlang-side internals are all named :elixir_*; the Elixir-side ones are listed.
  # (A script's own top-level code lives in :elixir_compiler_N modules: that is the program.)
  defp machinery_module?(m) when is_atom(m) do
    name = Atom.to_string(m)

    (String.starts_with?(name, "elixir_") and not Regex.match?(~r/^elixir_compiler_\d+$/, name)) or
      m in [Kernel.LexicalTracker, Kernel.ParallelCompiler, Kernel.ErrorHandler, Module.ParallelChecker]
  end

  defp machinery_module?(_), do: false


  # Replies go to process aliases (OTP 24+). A request names the alias next to its owner: the
  # `$gen_call` "from" and a task's first message (owner, ref, reply_to, callers, mfa).
  defp learn_alias(state, {:"$gen_call", {from, [:alias | ref]}, _}) when is_pid(from),
    do: %{state | aliases: Map.put(state.aliases, ref, from)}

  defp learn_alias(state, {owner, ref, reply_to, _callers, _mfa})
       when is_pid(owner) and is_reference(ref) and is_reference(reply_to),
       do: %{state | aliases: Map.put(state.aliases, reply_to, owner)}

  defp learn_alias(state, _msg), do: state

  defp resolve(_state, to) when is_pid(to), do: to
  defp resolve(state, to) when is_reference(to), do: Map.get(state.aliases, to)
  defp resolve(_state, {name, node}) when is_atom(name) and node == node(), do: Process.whereis(name)
  defp resolve(_state, to) when is_atom(to), do: Process.whereis(to)
  defp resolve(_state, _to), do: nil

  defp start_blocked_waits(state, pid) do
    case Map.get(state.waits, pid, []) do
      [] ->
        state

      open ->
        {state, open} =
          open
          |> Enum.reverse()
          |> Enum.map_reduce(state, fn
            %{started: true} = w, acc -> {w, acc}
            w, acc -> {%{w | started: true}, emit(acc, w.ts, "WaitStart", pid, w.fields)}
          end)
          |> then(fn {ws, acc} -> {acc, Enum.reverse(ws)} end)

        %{state | waits: Map.put(state.waits, pid, open)}
    end
  end

  defp end_wait(state, pid, mf, ts, outcome) do
    case Map.get(state.waits, pid, []) do
      [%{mf: ^mf} = w | rest] ->
        state = %{state | waits: Map.put(state.waits, pid, rest)}
        outcome = if past_deadline?(state, w, ts), do: "Timeout", else: outcome

        cond do
          w.started ->
            emit(state, ts, "WaitEnd", pid, [{"outcome", outcome}])

          # A GenServer call that ended without its reply (the callee was already gone, say)
          # is a wait the engine records even when it did not block: so does the tracer. (A
          # task's reply or DOWN may be queued before a yield or an await even starts: those
          # count only when they blocked, in both.)
          outcome != "Message" and List.keyfind(w.fields, "wait_kind", 0) == {"wait_kind", "GenServerCall"} ->
            state = emit(state, w.ts, "WaitStart", pid, w.fields)
            emit(state, ts, "WaitEnd", pid, [{"outcome", outcome}])

          true ->
            state
        end

      _ ->
        state
    end
  end

  # Task.shutdown(task, timeout) kills the task when the timeout passes and returns what the kill
  # gave: the wait ended by its timeout, as the engine records it.
  defp past_deadline?(state, %{mf: {Task, :shutdown}, fields: fields}, ts) do
    case List.keyfind(fields, "deadline", 0) do
      {_, deadline} when deadline >= 0 -> us(state, ts) >= deadline
      _ -> false
    end
  end

  defp past_deadline?(_state, _wait, _ts), do: false

  defp close_waits(state, pid, ts, outcome) do
    {open, waits} = Map.pop(state.waits, pid, [])
    state = %{state | waits: waits}

    open
    |> Enum.filter(& &1.started)
    |> Enum.reduce(state, fn _, acc -> emit(acc, ts, "WaitEnd", pid, [{"outcome", outcome}]) end)
  end

  defp return_outcome(Task, :yield, nil), do: "Timeout"
  defp return_outcome(Task, :yield, {:exit, _}), do: "Down"
  defp return_outcome(Task, :shutdown, {:exit, _}), do: "Down"
  defp return_outcome(GenServer, :stop, :ok), do: "Down"
  defp return_outcome(_m, _f, _value), do: "Message"

  # Task.await and GenServer.call exit with {reason, {Module, function, args}}. With
  # exception_trace, a process killed by an exit signal in the middle of a call also gets an
  # exception_from, but with the bare reason of the signal: that wait was ended by the kill.
  defp exception_outcome(:exit, {:timeout, {m, _f, _a}}) when m in [Task, GenServer], do: "Timeout"
  defp exception_outcome(:exit, {_reason, {m, _f, _a}}) when m in [Task, GenServer], do: "Down"
  defp exception_outcome(_class, _reason), do: "Killed"

  defp wait_kind(m, f, arity) do
    Enum.find_value(@waits, fn {wm, wf, wa, kind, pos} ->
      if wm == m and wf == f and (arity == nil or arity == wa), do: {kind, pos}
    end)
  end

  defp wait_peer(%{__struct__: Task, pid: pid}) when is_pid(pid), do: [{"peer", pid}]
  defp wait_peer(pid) when is_pid(pid), do: [{"peer", pid}]
  defp wait_peer(name) when is_atom(name) and name != nil, do: whereis_peer(name)
  defp wait_peer(_), do: []

  defp whereis_peer(name) do
    case Process.whereis(name) do
      nil -> []
      pid -> [{"peer", pid}]
    end
  end

  defp down(state, pid, ref, who, reason, msg, ts) do
    {state, id} = ref_id(state, ref)
        state = emit(state, ts, "Receive", pid, [{"text", text(state, msg)}])
        emit(state, ts, "Down", pid, [{"peer", who}, {"ref", id}, {"text", text(state, reason)}])
  end

  defp untraced_reply?(_state, {tracer, :ready}) when tracer == self(), do: true
  defp untraced_reply?(_state, {ref, _}) when is_reference(ref), do: true
  defp untraced_reply?(_state, {[:alias | ref], _}) when is_reference(ref), do: true
  defp untraced_reply?(state, {:ack, from, _}) when is_pid(from), do: not MapSet.member?(state.traced, from)
  defp untraced_reply?(state, {:DOWN, _, :process, from, _}), do: MapSet.member?(state.ignored, from)
  defp untraced_reply?(_state, _msg), do: false

  # --- supervisor reports and nodes ------------------------------------------------------------

  defp supervisor_report(state, %{label: {:supervisor, :progress}, report: report}, meta) do
    sup = meta[:pid]
    started = report[:started] || []
    child = started[:pid]
    id = started[:id]

    if is_pid(sup) and is_pid(child) and MapSet.member?(state.traced, sup) do
      ts = meta_ts(state, meta)
      key = {sup, id}
      count = Map.get(state.children, key)
      state = %{state | children: Map.put(state.children, key, (count || -1) + 1)}

      if count == nil,
        do: emit(state, ts, "ChildStart", sup, [{"peer", child}, {"text", inspect(id)}]),
        else: emit(state, ts, "ChildRestart", sup, [{"peer", child}, {"text", inspect(id)}, {"value", count + 1}])
    else
      state
    end
  end

  defp supervisor_report(state, %{label: {:supervisor, context}, report: report}, meta)
       when context in [:child_terminated, :shutdown] do
    sup = meta[:pid]

    cond do
      not is_pid(sup) or not MapSet.member?(state.traced, sup) ->
        state

      report[:errorContext] == :shutdown ->
        emit(state, meta_ts(state, meta), "SupervisorGiveUp", sup, [{"text", text(state, report[:reason])}])

      true ->
        state
    end
  end

  defp supervisor_report(state, _report, _meta), do: state

  defp meta_ts(state, meta) do
    # Logger metadata time is system time in microseconds; keep events ordered on the monotonic
    # axis the trace flags use.
    case meta[:time] do
      t when is_integer(t) ->
        mono = t - :erlang.time_offset(:microsecond)
        max(:erlang.convert_time_unit(mono, :microsecond, :native), state.t0)

      _ ->
        :erlang.monotonic_time()
    end
  end

  defp node_event(state, kind, node) do
    {state, number} =
      case Map.fetch(state.nodes, node) do
        {:ok, n} -> {state, n}
        :error -> {%{state | nodes: Map.put(state.nodes, node, map_size(state.nodes) + 1)}, map_size(state.nodes) + 1}
      end

    emit(state, :erlang.monotonic_time(), kind, nil, [{"text", Atom.to_string(node)}, {"value", number}])
  end

  # --- caps --------------------------------------------------------------------------------------

  defp admit?(state, ts) do
    second = div(us(state, ts), 1_000_000)
    within_rate = second != state.window_start or state.window_count < state.opts[:max_events_per_second]
    within_rate and not state.shedding
  end

  # The queue cap: once the tracer's mailbox is longer than max_queue, every trace message is
  # dropped (cheaply: counted, not formatted) until the mailbox is down to half of it. Looking at
  # the mailbox costs, so it is looked at every 256 messages.
  defp check_queue(state) do
    state = %{state | checked: state.checked + 1}

    if rem(state.checked, 256) == 0 do
      {:message_queue_len, len} = Process.info(self(), :message_queue_len)
      max = state.opts[:max_queue]
      %{state | shedding: if(state.shedding, do: len > div(max, 2), else: len > max)}
    else
      state
    end
  end

  defp count(state) do
    second = div(state.last_t, 1_000_000)

    if second == state.window_start,
      do: %{state | window_count: state.window_count + 1},
      else: %{state | window_start: second, window_count: 1}
  end

  defp drop(state, ts) do
    state = %{state | dropped: state.dropped + 1, dropped_since: state.dropped_since || ts}
    if state.dropped >= 10_000, do: note_dropped(state, ts), else: state
  end

  defp note_dropped(%{dropped: 0} = state, _ts), do: state

  defp note_dropped(state, ts) do
    from_ms = div(us(state, state.dropped_since), 1000)
    n = state.dropped
    state = %{state | dropped: 0, dropped_since: nil}

    emit(state, ts, "Log", nil, [
      {"level", "Warning"},
      {"text", "tasklens tracer dropped #{n} events from #{from_ms} ms on (caps: rate, queue)"}
    ])
  end

  # --- writing ---------------------------------------------------------------------------------

  defp emit(state, ts, kind, pid, fields) do
    # Only the program's processes: not Elixir's helpers, nor what they spawned before they
    # were untraced.
    outside = pid != nil and not MapSet.member?(state.traced, pid)

    if outside or MapSet.member?(state.ignored, pid) or Enum.any?(fields, &ignored_peer?(state, &1)),
      do: state,
      else: do_emit(state, ts, kind, pid, fields)
  end

  defp ignored_peer?(state, {"peer", p}), do: MapSet.member?(state.ignored, p)
  defp ignored_peer?(_state, _field), do: false

  defp do_emit(state, ts, kind, pid, fields) do
    # One warning per stretch of dropping (and one per 10,000 dropped, see drop/2).
    state = if state.dropped > 0 and kind != "Log" and not state.shedding, do: note_dropped(state, ts), else: state
    t = max(us(state, ts), state.last_t)

    line =
      json_object([{"seq", state.seq}, {"t", t}, {"kind", kind}, {"pid", pid_text(pid)}] ++
                    Enum.map(fields, fn
                      {"peer", p} -> {"peer", pid_text(p)}
                      other -> other
                    end))

    %{state | seq: state.seq + 1, last_t: t, buffer: [[line, ?\n] | state.buffer], buffered: state.buffered + 1}
  end

  defp maybe_flush(%{buffered: n} = state) when n >= 512, do: flush(state)

  defp maybe_flush(state) do
    if Process.info(self(), :message_queue_len) == {:message_queue_len, 0}, do: flush(state), else: state
  end

  defp flush(%{buffer: []} = state), do: state

  defp flush(state) do
    data = Enum.reverse(state.buffer)

    case state.sink do
      {:file, io} -> :file.write(io, data)
      {:tcp, socket} -> :gen_tcp.send(socket, data)
    end

    %{state | buffer: [], buffered: 0}
  end

  defp write_line(state, line) do
    case state.sink do
      {:file, io} -> :file.write(io, [line, ?\n])
      {:tcp, socket} -> :gen_tcp.send(socket, [line, ?\n])
    end
  end

  defp us(state, ts), do: :erlang.convert_time_unit(ts - state.t0, :native, :microsecond)

  defp ref_id(state, ref) do
    case Map.fetch(state.refs, ref) do
      {:ok, id} -> {state, id}
      :error -> {%{state | refs: Map.put(state.refs, ref, state.next_ref), next_ref: state.next_ref + 1}, state.next_ref}
    end
  end

  # --- texts -----------------------------------------------------------------------------------

  # Like the engine's event texts: Kernel.inspect with 16 items per container, cut at the limit.
  defp text(state, term) do
    limit = state.opts[:max_message_bytes]
    s = inspect(term, limit: 16, printable_limit: limit)
    if byte_size(s) > limit, do: binary_part(s, 0, limit) <> "...", else: s
  end

  defp reason_class(:normal), do: "Normal"
  defp reason_class(:shutdown), do: "Shutdown"
  defp reason_class({:shutdown, _}), do: "Shutdown"
  defp reason_class(:killed), do: "Killed"
  defp reason_class(_), do: "Crash"

  # A gen_server/supervisor start: name the callback module, as the engine does.
  # A Supervisor module runs in :supervisor with {name, Module, arg}: name the module.
  defp spawn_text(:proc_lib, :init_p, [_, _, :gen, :init_it, [_gen, _starter, _parent, :supervisor, {_name, mod, _}, _opts]]) when is_atom(mod), do: inspect(mod)
  defp spawn_text(:proc_lib, :init_p, [_, _, :gen, :init_it, [_gen, _starter, _parent, _name, :supervisor, {_, mod, _}, _opts]]) when is_atom(mod), do: inspect(mod)
  defp spawn_text(:proc_lib, :init_p, [_, _, :gen, :init_it, [_gen, _starter, _parent, mod, _args, _opts]]) when is_atom(mod), do: inspect(mod)
  defp spawn_text(:proc_lib, :init_p, [_, _, :gen, :init_it, [_gen, _starter, _parent, _name, mod, _args, _opts]]) when is_atom(mod), do: inspect(mod)
  defp spawn_text(:proc_lib, :init_p, [_parent, _ancestors, m, f, args]), do: spawn_text(m, f, args)
  defp spawn_text(:erlang, :apply, [fun, []]) when is_function(fun), do: fun_text(fun)
  defp spawn_text(Task.Supervised, _f, [_owner, _callers, {:erlang, :apply, [fun, []]}]) when is_function(fun), do: "Task " <> fun_text(fun)
  defp spawn_text(Task.Supervised, _f, [_owner, _callers, {m, f, a}]), do: "Task " <> mfa_text(m, f, length(a))
  defp spawn_text(Task.Supervised, _f, _args), do: "Task"
  defp spawn_text(m, f, args) when is_list(args), do: mfa_text(m, f, length(args))
  defp spawn_text(m, f, a), do: mfa_text(m, f, a)

  defp fun_text(fun) do
    info = Function.info(fun)

    # Task.async_stream's monitor process runs a fun of Task.Supervised: name it as the engine does.
    if info[:module] == Task.Supervised,
      do: "async_stream monitor",
      else: local_fun_text(info)
  end

  defp local_fun_text(info) do
    if info[:type] == :local and String.starts_with?(Atom.to_string(info[:name]), "-"), do: "fn", else: mfa_text(info[:module], info[:name], info[:arity])
  end

  defp mfa_text(m, f, a) when is_integer(a), do: "#{inspect(m)}.#{f}/#{a}"
  defp mfa_text(m, f, _), do: "#{inspect(m)}.#{f}"

  defp elem_links({:links, links}), do: links
  defp elem_links(_), do: []

  defp io_chars({:put_chars, _enc, chars}), do: {IO.chardata_to_string(chars), :stdout}
  defp io_chars({:put_chars, chars}), do: {IO.chardata_to_string(chars), :stdout}
  defp io_chars({:put_chars, _enc, m, f, a}), do: {IO.chardata_to_string(apply(m, f, a)), :stdout}
  defp io_chars(_), do: nil

  defp pid_text(nil), do: "<0.0.0>"

  defp pid_text(pid) when is_pid(pid) do
    "#PID" <> rest = inspect(pid)
    rest
  end

  # --- JSON (the few shapes the trace has: strings, integers) ----------------------------------

  defp json_object(fields) do
    ["{", fields |> Enum.map(fn {k, v} -> [json_string(k), ":", json_value(v)] end) |> Enum.intersperse(","), "}"]
  end

  defp json_value(v) when is_integer(v), do: Integer.to_string(v)
  defp json_value(v) when is_binary(v), do: json_string(v)

  defp json_string(s) do
    if String.valid?(s) do
      [?", escape(s, []), ?"]
    else
      # Not UTF-8: the format stores such text as base64 under text_base64 — callers only pass
      # inspect() output and chardata, which is UTF-8, so replace what is not.
      [?", escape(:unicode.characters_to_binary(s, :latin1), []), ?"]
    end
  end

  defp escape(<<>>, acc), do: Enum.reverse(acc)
  defp escape(<<?", rest::binary>>, acc), do: escape(rest, ["\\\"" | acc])
  defp escape(<<?\\, rest::binary>>, acc), do: escape(rest, ["\\\\" | acc])
  defp escape(<<?\n, rest::binary>>, acc), do: escape(rest, ["\\n" | acc])
  defp escape(<<?\r, rest::binary>>, acc), do: escape(rest, ["\\r" | acc])
  defp escape(<<?\t, rest::binary>>, acc), do: escape(rest, ["\\t" | acc])

  defp escape(<<c, rest::binary>>, acc) when c < 0x20,
    do: escape(rest, [:io_lib.format("\\u~4.16.0b", [c]) | acc])

  defp escape(<<c::utf8, rest::binary>>, acc), do: escape(rest, [<<c::utf8>> | acc])
end

defmodule Tasklens.Tracer.LogHandler do
  @moduledoc false
  # A :logger handler that forwards OTP's supervisor reports (domain [:otp, :sasl]) to the tracer.
  # Elixir's own Logger drops these unless handle_sasl_reports is set; this handler sees them
  # whatever that setting is.
  def log(%{msg: {:report, report}, meta: meta}, %{config: %{tracer: tracer}}) do
    if match?([:otp, :sasl | _], meta[:domain]) or match?(%{label: {:supervisor, _}}, report) do
      send(tracer, {:log, report, meta})
    end

    :ok
  end

  def log(_event, _config), do: :ok
end
