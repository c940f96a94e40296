p = spawn(fn ->
  try do
    receive do :never -> :ok end
  catch k, r -> IO.inspect({k, r}, label: "caught kill")
  end
  IO.puts "after kill"
end)
Process.sleep(10)
Process.exit(p, :kill)
q = spawn(fn ->
  try do
    receive do :never -> :ok end
  catch k, r -> IO.inspect({k, r}, label: "caught boom")
  end
  IO.puts "after boom"
end)
Process.sleep(10)
Process.exit(q, :boom)
Process.sleep(10)
spawn(fn -> try do Process.exit(self(), :boom) catch k, r -> IO.inspect({k, r}, label: "caught self") end; IO.puts("after self") end)
Process.sleep(50)
IO.puts "end"
