# abs/1 of -0.0 stays -0.0 (erts negates only what is below zero)
IO.inspect(abs(-0.0))
IO.inspect(:erlang.abs(-0.0))
IO.inspect(abs(-2.5))
IO.inspect(abs(0.0))
x = 0.0
IO.inspect(-x)
IO.puts(-0.0)
