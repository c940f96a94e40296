# :io.format raises the BEAM's ArgumentErrors; :io_lib.format raises badarg.
for {fmt, args} <- [{"~d", [1]}, {"~p ~p", [1]}, {"~p", [1, 2]}, {123, []}, {"~s", [1]},
                    {"~e", [1]}, {"~b", [1.0]}, {"~x", [1, "0x"]}, {"~a~n", [:x]}, {"~c", [:a]}] do
  try do
    :io.format(fmt, args)
  rescue
    e -> IO.puts(Exception.message(e))
  end
  try do
    :io_lib.format(fmt, args)
  catch
    kind, reason -> IO.inspect({kind, reason})
  end
end
for {fmt, args} <- [{"~p", 1}, {"~*p", [:a, 1]}, {"~", []}, {"~5.6s", ["ab"]}, {"~.1e", [1.0]}] do
  try do
    :io.format(fmt, args)
  rescue
    e -> IO.puts(Exception.message(e))
  end
end
for data <- [:x, [1.0], <<255>>] do
  try do
    :io.put_chars(data)
  rescue
    e -> IO.puts(Exception.message(e))
  end
end
:io.format("~d~n", [1])
