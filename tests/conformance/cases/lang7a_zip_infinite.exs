# Enum.zip/1,2 and zip_with with an infinite stream: the shortest enumerable ends the zip.
IO.inspect Enum.zip(1..3, Stream.cycle([:a, :b]))
IO.inspect Enum.zip([1..2, Stream.iterate(0, & &1 + 1)])
IO.inspect Stream.zip(1..3, Stream.cycle([:x])) |> Enum.to_list()
IO.inspect Enum.zip_with(1..3, Stream.cycle([10]), &+/2)
