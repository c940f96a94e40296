for f <- [1000.0, 1.5e10, 2.0e15, 1.0e16, 123456789.0, 0.1, 1.0e-5, 0.001, 1.0e21, 9007199254740992.0, 1.0e15, 1.0e14, 3.14159, -2.5e-7] do
  IO.puts("#{f} #{inspect(f)} #{:erlang.float_to_binary(f, [:short])} #{Float.to_string(f)}")
end
IO.puts :io_lib.format('~p ~w ~p', [1000.0, 2.0e15, 9007199254740992.0])
IO.puts 1000.0
IO.puts "#{-2.0e-7} #{0.1} #{1.0e100} #{123.456} #{1.0e-4} #{100.0} #{12340.0} #{123400.0}"
IO.puts Enum.join([1.0e3, 2.5], ",")
IO.inspect {1000.0, 1.5e10}
IO.puts :erlang.float_to_binary(4503599627370497.0 * 2, [:short])
IO.puts Float.to_string(18014398509481984.0)
IO.puts to_string(1.0e16)
IO.puts Kernel.to_string(1.0e22)
IO.puts String.Chars.to_string(3.0)
