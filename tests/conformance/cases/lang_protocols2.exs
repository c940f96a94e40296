defmodule Shapes do
  defprotocol Shape do
    @typedoc "Any shape"
    @type t :: term()

    @doc "The area"
    @spec area(t) :: number()
    def area(shape)

    @spec name(t) :: String.t()
    def name(shape)
  end

  defmodule Rect do
    defstruct w: 1, h: 1
  end

  defmodule Circle do
    defstruct r: 1
  end

  defimpl Shape, for: Rect do
    @impl true
    def area(%Rect{w: w, h: h}), do: w * h
    @impl true
    def name(_), do: "rect"
  end

  defimpl Shape, for: Circle do
    def area(%Circle{r: r}), do: Float.round(3.14159 * r * r, 2)
    def name(%{r: r}) when r > 10, do: "big circle"
    def name(_), do: "circle"
  end

  def total(shapes), do: shapes |> Enum.map(&Shape.area/1) |> Enum.sum()
end

defprotocol Callable do
  def call(f, arg)
end

defimpl Callable, for: Function do
  def call(f, arg), do: f.(arg)
end

defimpl Callable, for: PID do
  def call(pid, arg) do
    send(pid, {:call, self(), arg})
    receive do
      {:reply, r} -> r
    after
      1000 -> :timeout
    end
  end
end

defmodule Echo do
  def loop do
    receive do
      {:call, from, arg} ->
        send(from, {:reply, {:echo, arg}})
        loop()
    end
  end
end

defmodule Temp do
  defstruct [:c]

  defimpl Inspect do
    def inspect(%Temp{c: c}, opts) do
      Inspect.Algebra.concat(["~", Inspect.Algebra.to_doc(c, opts), "°C"])
    end
  end
end

defmodule Main do
  alias Shapes.{Rect, Circle, Shape}

  def run do
    shapes = [%Rect{w: 2, h: 3}, %Circle{r: 1}, %Circle{r: 11}]
    Enum.each(shapes, fn s -> IO.puts("#{Shape.name(s)}: #{Shape.area(s)}") end)
    IO.inspect(Shapes.total(shapes))
    IO.inspect(Shape.impl_for(%Rect{}))
    IO.inspect(Shape.__protocol__(:functions))

    IO.inspect(Callable.call(&(&1 * 2), 21))
    pid = spawn(&Echo.loop/0)
    IO.inspect(Callable.call(pid, :hello))
    IO.inspect(Enum.map([1, 2], fn x -> Callable.call(pid, x) end))

    temps = for c <- [20, 21.5], do: %Temp{c: c}
    IO.inspect(temps)
    IO.inspect(%{living_room: hd(temps)}, label: "temps")
    IO.puts("now: #{inspect(hd(temps))}")
    IO.inspect({:reading, %Temp{c: -3}, [at: 12]})
    IO.inspect(Map.new(temps, fn t -> {t.c, t} end))

    try do
      IO.puts("#{%Temp{c: 1}}")
    rescue
      e in Protocol.UndefinedError -> IO.puts("no String.Chars: #{inspect(e.protocol)}")
    end

    try do
      Callable.call(:atom, 1)
    rescue
      e -> IO.puts(Exception.message(e))
    end
  end
end

Main.run()
