# Injected by `use GenServer` (Elixir 1.14's GenServer.__using__): child_spec/1 and the default
# callbacks. A module's own definition of any of these replaces the injected one.
def child_spec(init_arg) do
  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [init_arg]}}, Map.new(@__use_opts__))
end

def handle_call(msg, _from, state) do
  proc = Tasklens.VM.registered_name_or_self()
  raise RuntimeError, "attempted to call GenServer #{inspect(proc)} but no handle_call/3 clause was provided"
end

def handle_cast(msg, state) do
  proc = Tasklens.VM.registered_name_or_self()
  raise RuntimeError, "attempted to cast GenServer #{inspect(proc)} but no handle_cast/2 clause was provided"
end

def handle_info(msg, state) do
  proc = Tasklens.VM.registered_name_or_self()
  Logger.error("#{inspect(__MODULE__)} #{inspect(proc)} received unexpected message in handle_info/2: #{inspect(msg)}")
  {:noreply, state}
end

def terminate(_reason, _state), do: :ok
def code_change(_old, state, _extra), do: {:ok, state}
