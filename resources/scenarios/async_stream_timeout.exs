# Task.async_stream timeouts: on_timeout: :kill_task turns a late task into {:exit, :timeout}
# Each job may take at most 1 s. With on_timeout: :kill_task the 2 s job is killed and
# the stream carries on; zip_input_on_exit: true also says which input it was. With the default
# (on_timeout: :exit) the same late job exits the caller: the script ends with a timeout crash.
sleepy = fn ms ->
  Process.sleep(ms)
  ms
end

input = [200, 2_000, 400, 600]

IO.puts("kill_task: late jobs are killed, the stream goes on")

input
|> Task.async_stream(sleepy, max_concurrency: 4, timeout: 1_000, on_timeout: :kill_task)
|> Enum.to_list()
|> IO.inspect(label: "  results")

IO.puts("kill_task with zip_input_on_exit: the exit names its input")

input
|> Task.async_stream(sleepy,
  max_concurrency: 4,
  timeout: 1_000,
  on_timeout: :kill_task,
  zip_input_on_exit: true
)
|> Enum.to_list()
|> IO.inspect(label: "  results")

IO.puts("the default on_timeout: :exit takes the caller down with the late job")

input
|> Task.async_stream(sleepy, max_concurrency: 4, timeout: 1_000)
|> Enum.to_list()

IO.puts("never printed")
