# Injected by `use Agent`.
def child_spec(init_arg) do
  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [init_arg]}}, Map.new(@__use_opts__))
end
