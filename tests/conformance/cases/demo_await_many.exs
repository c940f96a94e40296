# Task.await_many: results come back in task order, and one slow task times out the whole batch
# Three "shops" answer after different delays. await_many returns their prices in the order the
# tasks were given, not the order they finished. The second batch has a 1 s limit and a task that
# needs 3 s: await_many exits the caller with {:timeout, {Task, :await_many, ...}}.
shops = [north: 1_200, south: 400, east: 800]
IO.puts("asking #{length(shops)} shops for a price")

tasks =
  for {shop, delay} <- shops do
    Task.async(fn ->
      Process.sleep(delay)
      IO.puts("  #{shop} answered after #{delay} ms")
      {shop, div(delay, 10)}
    end)
  end

IO.inspect(Task.await_many(tasks), label: "prices in task order")

IO.puts("second batch: a 1 s limit for a quick task and a 3 s task")
quick = Task.async(fn -> Process.sleep(500); :quick end)
slow = Task.async(fn -> Process.sleep(3_000); :slow end)
Task.await_many([quick, slow], 1_000)
IO.puts("never printed: await_many exits the caller")
