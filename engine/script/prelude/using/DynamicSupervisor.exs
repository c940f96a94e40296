# Injected by `use DynamicSupervisor`.
def child_spec(init_arg) do
  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [init_arg]}, type: :supervisor}, Map.new(@__use_opts__))
end
