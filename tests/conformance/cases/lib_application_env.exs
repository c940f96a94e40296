# Application environment in a script: nothing is loaded, so only what the script puts is there,
# and fetch_env! names the application as "not loaded nor configured".
IO.inspect(Application.get_env(:my_app, :key))
IO.inspect(Application.get_env(:my_app, :key, :default))
IO.inspect(Application.fetch_env(:my_app, :key))
Application.put_env(:my_app, :key, 42)
Application.put_env(:my_app, :other, [a: 1])
IO.inspect(Application.get_env(:my_app, :key))
IO.inspect(Application.fetch_env(:my_app, :key))
IO.inspect(Application.fetch_env!(:my_app, :key))
IO.inspect(Application.get_all_env(:my_app) |> Enum.sort())
Application.delete_env(:my_app, :key)
IO.inspect(Application.get_env(:my_app, :key, :gone))
IO.inspect(Application.get_all_env(:nothing))
try do
  Application.fetch_env!(:my_app, :key)
rescue
  e -> IO.inspect(e)
end
try do
  Application.fetch_env!(:unknown_app, :key)
rescue
  e -> IO.puts(Exception.message(e))
end
