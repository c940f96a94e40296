defmodule Money do
  defstruct amount: 0, currency: :EUR

  defimpl String.Chars do
    def to_string(%Money{amount: a, currency: c}), do: "#{a} #{c}"
  end

  defimpl Inspect do
    import Inspect.Algebra

    def inspect(%Money{amount: a, currency: c}, opts) do
      concat(["#Money<", to_doc(a, opts), " ", to_doc(c, opts), ">"])
    end
  end
end

defmodule Secret do
  defstruct [:value]

  defimpl Inspect do
    def inspect(_secret, _opts), do: "#Secret<redacted>"
  end
end

defmodule Account do
  @derive {Inspect, only: [:owner]}
  defstruct [:owner, :password, balance: 0]
end

defmodule NumberBag do
  defstruct items: []

  defimpl Enumerable do
    def count(%NumberBag{items: items}), do: {:ok, length(items)}
    def member?(%NumberBag{items: items}, x), do: {:ok, x in items}
    def reduce(%NumberBag{items: items}, acc, fun), do: Enumerable.List.reduce(items, acc, fun)
    def slice(_bag), do: {:error, __MODULE__}
  end

  defimpl Collectable do
    def into(%NumberBag{items: items} = bag) do
      collector = fn
        acc, {:cont, x} -> [x | acc]
        acc, :done -> %NumberBag{bag | items: items ++ Enum.reverse(acc)}
        _acc, :halt -> :ok
      end

      {[], collector}
    end
  end
end

defmodule Countdown do
  defstruct from: 3

  defimpl Enumerable do
    def count(_), do: {:error, __MODULE__}
    def member?(_, _), do: {:error, __MODULE__}
    def slice(_), do: {:error, __MODULE__}

    def reduce(_, {:halt, acc}, _fun), do: {:halted, acc}
    def reduce(c, {:suspend, acc}, fun), do: {:suspended, acc, &reduce(c, &1, fun)}
    def reduce(%Countdown{from: 0}, {:cont, acc}, _fun), do: {:done, acc}
    def reduce(%Countdown{from: n}, {:cont, acc}, fun), do: reduce(%Countdown{from: n - 1}, fun.(n, acc), fun)
  end
end

defmodule Plain do
  defstruct [:x]
end

defmodule Demo do
  def run do
    m = %Money{amount: 10, currency: :USD}
    IO.puts(m)
    IO.puts("price: #{m}")
    IO.puts(to_string(m))
    IO.puts("list: " <> Enum.join([m, %Money{amount: 2}], ", "))
    IO.inspect(m)
    IO.inspect([m, %{total: m}], label: "nested")
    IO.puts(inspect(m))
    IO.puts(inspect({:ok, %Secret{value: 42}}))
    IO.inspect(%Secret{value: 1})
    IO.inspect(%Account{owner: "ann", password: "pw"})
    IO.puts(inspect(%Account{owner: "bob"}))
    x = IO.inspect(%Secret{value: 2})
    IO.inspect(x.value)

    bag = %NumberBag{items: [3, 1, 2]}
    IO.inspect(Enum.map(bag, &(&1 * 10)))
    IO.inspect(Enum.count(bag))
    IO.inspect(Enum.member?(bag, 2))
    IO.inspect(2 in bag)
    IO.inspect(Enum.sort(bag))
    IO.inspect(Enum.sum(bag))
    IO.inspect(Enum.take(bag, 2))
    IO.inspect(Enum.reduce(bag, 0, &+/2))
    IO.inspect(Enum.to_list(bag))
    IO.inspect(bag |> Stream.map(&(&1 + 1)) |> Enum.to_list())
    IO.inspect(Enum.zip(bag, [:a, :b, :c]))
    IO.inspect(for x <- bag, x > 1, do: x)
    IO.inspect(Enum.into([4, 5], bag))
    IO.inspect(for x <- [7, 8], into: %NumberBag{items: [1]}, do: x * 2)

    IO.inspect(Enum.to_list(%Countdown{}))
    IO.inspect(Enum.count(%Countdown{from: 5}))
    IO.inspect(Enum.take(%Countdown{from: 10}, 3))
    IO.inspect(Stream.zip(%Countdown{}, [:a, :b, :c]) |> Enum.to_list())
    IO.inspect(Enum.member?(%Countdown{}, 2))

    try do
      to_string(%Plain{x: 1})
    rescue
      e -> IO.puts(Exception.message(e))
    end

    try do
      Enum.map(%Plain{x: 2}, & &1)
    rescue
      e -> IO.puts(Exception.message(e))
    end
  end
end

Demo.run()
