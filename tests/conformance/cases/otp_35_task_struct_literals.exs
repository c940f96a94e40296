t = %Task{pid: nil, ref: nil, owner: nil, mfa: {:erlang, :apply, 2}}
IO.inspect t
IO.inspect Task.__struct__()
t2 = Task.async(fn -> 1 end)
%Task{pid: pid} = t2
IO.inspect is_pid(pid)
IO.inspect match?(%Task{}, t2)
IO.inspect Task.await(%{t2 | mfa: t2.mfa})
IO.inspect Map.keys(t2)
IO.inspect struct!(Task, mfa: 1, owner: 2, pid: 3, ref: 4)
try do
  Task.__struct__(pid: 1)
rescue e -> IO.puts Exception.message(e)
end
