defmodule A.B do
  def hi, do: :b
end
defmodule A.C do
  def hi, do: :c
end
defmodule User do
  alias A.{B, C}
  alias __MODULE__, as: Me
  import Enum, only: [map: 2]
  @enforce_keys [:name]
  defstruct [:name, age: 0]
  def run do
    IO.inspect {B.hi(), C.hi(), Me}
    IO.inspect map([1, 2], &(&1 + 1))
  end
end
User.run()
IO.inspect struct!(User, name: "a")
try do
  struct!(User, age: 1)
rescue e -> IO.puts Exception.message(e)
end
defmodule MyErr do
  defexception [:code]
  def message(%{code: c}), do: "failed with #{c}"
end
try do
  raise MyErr, code: 7
rescue e -> IO.puts Exception.message(e)
end
IO.inspect Module.split(A.B)
IO.inspect Module.concat(A, B)
IO.inspect Module.concat([A, "C", :D])
IO.inspect Code.ensure_loaded?(User)
IO.inspect Code.ensure_loaded?(Nope)
IO.inspect function_exported?(User, :run, 0)
defmodule Imports do
  import List, only: [first: 1]
  import String, except: [first: 1]
  def run do
    IO.inspect first([1, 2])
    IO.inspect upcase("abc")
  end
end
Imports.run()
