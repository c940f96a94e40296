IO.puts "start"
exit({:shutdown, 3})
IO.puts "no"
