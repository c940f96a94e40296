IO.puts "start
