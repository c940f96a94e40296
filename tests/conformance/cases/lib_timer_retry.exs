# A retry loop driven by :timer.send_after, an interval ticker, apply_after and cancellation.
defmodule Retry do
  def run(attempt, max) do
    result = if attempt < 3, do: {:error, :busy}, else: {:ok, attempt}
    case result do
      {:ok, n} ->
        IO.puts("succeeded on attempt #{n}")
      {:error, reason} when attempt < max ->
        delay = 100 * Integer.pow(2, attempt)
        IO.puts("attempt #{attempt} failed (#{reason}), retrying in #{delay}ms")
        {:ok, {:send_local, _}} = :timer.send_after(delay, {:retry, attempt + 1})
        receive do
          {:retry, next} -> run(next, max)
        end
      {:error, reason} ->
        IO.puts("giving up: #{reason}")
    end
  end
end

t0 = System.monotonic_time(:millisecond)
Retry.run(1, 5)
IO.inspect System.monotonic_time(:millisecond) - t0 >= 600

{:ok, tref} = :timer.send_interval(50, :tick)
IO.inspect elem(tref, 0)
ticks = for _ <- 1..3, do: (receive do :tick -> :tick end)
IO.inspect ticks
IO.inspect :timer.cancel(tref)
Process.sleep(120)
IO.inspect Process.info(self(), :message_queue_len)

parent = self()
{:ok, {:once, _}} = :timer.apply_after(30, Kernel, :send, [parent, :applied])
receive do :applied -> IO.puts("applied") end
{:ok, cancelled} = :timer.send_after(50, :never)
IO.inspect :timer.cancel(cancelled)
receive do :never -> IO.puts("should not arrive") after 100 -> IO.puts("cancelled timer stayed quiet") end
IO.inspect :timer.send_after(0, :instant) |> elem(1) |> elem(0)
receive do :instant -> IO.puts("instant") end
IO.inspect :timer.cancel(:bogus)
IO.inspect :timer.hms(1, 2, 3)
IO.inspect {:timer.seconds(3), :timer.minutes(2), :timer.hours(1)}
{micros, :done} = :timer.tc(fn -> Process.sleep(25); :done end)
IO.inspect micros >= 25_000

ref = Process.send_after(self(), :later, 500)
Process.sleep(100)
left = Process.read_timer(ref)
IO.inspect left > 0 and left <= 400
left = Process.cancel_timer(ref)
IO.inspect left > 0 and left <= 400
IO.inspect Process.read_timer(ref)
IO.inspect Process.cancel_timer(ref)
ref2 = Process.send_after(self(), :later, 500)
IO.inspect Process.cancel_timer(ref2, async: true)
IO.inspect :erlang.read_timer(ref2)

worker = spawn(fn -> receive do :stop -> :ok end end)
{:ok, iv} = :timer.send_interval(10, worker, :ping)
Process.exit(worker, :kill)
Process.sleep(30)
IO.inspect :timer.cancel(iv)
Process.put(:alpha, 1)
Process.put(:beta, 1)
Process.put(:gamma, 2)
IO.inspect Enum.sort(Enum.filter(Process.get_keys(), &(&1 in [:alpha, :beta, :gamma])))
IO.inspect Enum.sort(Process.get_keys(1))
