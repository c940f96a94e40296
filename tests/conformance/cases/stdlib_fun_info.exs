# :erlang.fun_info / Function.info: exact for external funs; the keys and types for local funs.
IO.inspect(:erlang.fun_info(&Enum.map/2))
IO.inspect(Function.info(&String.upcase/1))
f = fn x, y -> x + y end
info = Function.info(f)
IO.inspect(Keyword.keys(info))
IO.inspect({info[:arity], info[:type], info[:env], info[:pid] == self()})
IO.inspect(Function.info(f, :arity))
IO.inspect(Function.info(f, :type))
IO.inspect(:erlang.fun_info(&Enum.map/2, :module))
IO.inspect(:erlang.fun_info(&Enum.map/2, :name))
defmodule M do
  def g, do: fn a -> a end
end
IO.inspect(Function.info(M.g(), :module))
IO.inspect(Function.info(M.g(), :name))
IO.inspect(Function.info(&M.g/0))
try do
  Function.info(1)
rescue
  e -> IO.puts(Exception.message(e))
end
try do
  :erlang.fun_info(f, :foo)
rescue
  e -> IO.puts(Exception.message(e))
end
Process.put(:a, 1)
Process.put(:b, 2)
Process.put(:c, 1)
IO.inspect(Enum.sort(Process.get_keys(1)))
ref = Process.send_after(self(), :tick, 1000)
IO.inspect(Process.read_timer(ref))
IO.inspect(:erlang.read_timer(ref))
Process.cancel_timer(ref)
IO.inspect(Process.read_timer(ref))
