# A seeded Monte Carlo simulation: the same seed gives the BEAM's exact sequence.
:rand.seed(:exsss, {1, 2, 3})
IO.inspect for _ <- 1..5, do: :rand.uniform(100)
IO.inspect :rand.uniform()
IO.inspect :rand.uniform_real()
IO.inspect :rand.uniform(1_000_000_000_000)
:rand.seed(:exsss, 42)
IO.inspect Enum.map(1..3, fn _ -> :rand.uniform(6) end)
:rand.seed(:exsss, {10, 20, 30})
inside = Enum.count(1..2000, fn _ ->
  x = :rand.uniform()
  y = :rand.uniform()
  x * x + y * y <= 1.0
end)
IO.inspect inside
IO.inspect Float.round(4 * inside / 2000, 3)
:rand.seed(:exsss, {7, 8, 9})
IO.inspect Enum.shuffle(1..10)
IO.inspect Enum.random(1..1000)
IO.inspect Enum.random([:a, :b, :c])
IO.inspect Enum.take_random(1..20, 3)
IO.inspect Enum.take_random([:x, :y, :z], 1)
IO.inspect Enum.take_random(1..5, 10) |> Enum.sort()
{x, s} = :rand.uniform_s(10, :rand.seed_s(:exsss, {1, 2, 3}))
IO.inspect x
{y, _} = :rand.uniform_s(s)
IO.inspect y
IO.inspect :math.pi()
IO.inspect :math.sqrt(2)
IO.inspect :math.pow(2, 10)
IO.inspect :math.log(:math.exp(1))
IO.inspect :math.log2(1024)
IO.inspect :math.log10(1000)
IO.inspect :math.sin(0)
IO.inspect :math.cos(0)
IO.inspect :math.atan2(1, 1)
IO.inspect :math.floor(-2.5)
IO.inspect :math.ceil(2.1)
IO.inspect :math.fmod(7, 3)
IO.inspect :math.erf(0.5)
try do
  :math.sqrt(-1)
rescue
  e -> IO.inspect(e)
end
try do
  :math.log(0)
rescue
  e -> IO.inspect(e)
end
