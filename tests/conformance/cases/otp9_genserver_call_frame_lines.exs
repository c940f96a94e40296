try do
  GenServer.call(self(), :x)
catch :exit, _ -> IO.inspect(hd(__STACKTRACE__))
end
try do
  GenServer.call(:nope, :x)
catch :exit, _ -> IO.inspect(hd(__STACKTRACE__))
end
