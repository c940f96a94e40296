# Exit signals: a linked process exiting :normal does not kill a non-trapping peer
parent = self()
spawn(fn ->
  spawn_link(fn -> :ok end)
  Process.sleep(100)
  send(parent, :peer_survived)
end)
receive do
  :peer_survived -> IO.puts("peer survived the :normal exit")
after
  1000 -> IO.puts("peer died")
end
