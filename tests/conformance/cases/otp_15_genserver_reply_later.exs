# GenServer: {:noreply, state} in handle_call and GenServer.reply/2 from elsewhere
defmodule Deferred do
  use GenServer
  def init(_), do: {:ok, nil}
  def handle_call(:ask, from, _state) do
    Process.send_after(self(), :answer_now, 200)
    {:noreply, from}
  end
  def handle_info(:answer_now, from) do
    GenServer.reply(from, :answered_later)
    {:noreply, nil}
  end
end
{:ok, pid} = GenServer.start_link(Deferred, nil)
{us, answer} = :timer.tc(fn -> GenServer.call(pid, :ask) end)
IO.inspect(answer)
IO.inspect(us >= 200_000, label: "waited for the reply")
