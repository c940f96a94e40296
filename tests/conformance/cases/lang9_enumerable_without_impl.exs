defmodule C do
  defstruct [:a]
  def run do
    try do Enumerable.count(%C{}) rescue e -> IO.inspect(e) end
    try do Enum.count(%C{}) rescue e -> IO.inspect(e) end
    try do Enum.member?(%C{}, 1) rescue e -> IO.inspect(e) end
    try do Enumerable.member?(%C{}, 1) rescue e -> IO.inspect(e) end
    try do Enumerable.slice(%C{}) rescue e -> IO.inspect(e) end
  end
end
C.run()
try do Enum.count(5) rescue e -> IO.inspect(e) end
try do Enumerable.count(5) rescue e -> IO.inspect(e) end
IO.inspect Enumerable.count([1, 2])
IO.inspect Enumerable.count(%{a: 1})
IO.inspect Enum.count(Stream.map([1, 2], & &1))
IO.inspect Enum.slice(%{a: 1, b: 2}, 0..0)
IO.inspect Enum.member?(1..10//2, 3)
