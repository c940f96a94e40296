# Exit signals: a linked process exiting abnormally kills a non-trapping peer (observed by a monitor)
defmodule Watch do
  def run do
    peer = spawn(fn ->
      spawn_link(fn -> exit(:boom) end)
      Process.sleep(:infinity)
    end)
    ref = Process.monitor(peer)
    receive do
      {:DOWN, ^ref, :process, ^peer, reason} -> IO.inspect(reason, label: "peer died with")
    end
  end
end
Watch.run()
