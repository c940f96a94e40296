# Crashes: exit(:normal) in the main script ends it quietly with status 0; exit(:other) with status 1
IO.puts("leaving normally")
exit(:normal)
IO.puts("never printed")
