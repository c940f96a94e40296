# Processes: the process dictionary
IO.inspect(Process.put(:counter, 1))
IO.inspect(Process.put(:counter, 2))
IO.inspect(Process.get(:counter))
IO.inspect(Process.get(:missing, :default))
IO.inspect(Process.delete(:counter))
IO.inspect(Process.get(:counter))
parent = self()
spawn(fn -> send(parent, Process.get(:counter)) end)
receive do
  v -> IO.inspect(v, label: "child dictionary is separate")
end
