# Bag and duplicate_bag object order within a key, as OTP 25 keeps it: single inserts append,
# a present object is not moved, a list is taken last to first by a bag (in order by a
# duplicate_bag), and a deleted object re-inserted goes to the end.
tags = :ets.new(:tags, [:bag])
:ets.insert(tags, {:post1, :elixir})
:ets.insert(tags, {:post1, :otp})
:ets.insert(tags, {:post1, :elixir})
IO.inspect(:ets.lookup(tags, :post1))
:ets.insert(tags, [{:post1, :beam}, {:post1, :erlang}, {:post1, :otp}])
IO.inspect(:ets.lookup(tags, :post1))
:ets.delete_object(tags, {:post1, :elixir})
:ets.insert(tags, {:post1, :elixir})
IO.inspect(:ets.lookup(tags, :post1))
IO.inspect(:ets.lookup_element(tags, :post1, 2))
IO.inspect(:ets.select(tags, [{{:post1, :"$1"}, [], [:"$1"]}]))

b = :ets.new(:b, [:bag])
:ets.insert(b, [{:k, 1}, {:k, 2}, {:k, 1}, {:k, 3}])
IO.inspect(:ets.lookup(b, :k))
:ets.insert_new(b, [{:n, 1}, {:n, 2}])
IO.inspect(:ets.lookup(b, :n))

d = :ets.new(:d, [:duplicate_bag])
:ets.insert(d, [{:k, 1}, {:k, 2}, {:k, 1}])
:ets.insert(d, {:k, 2})
IO.inspect(:ets.lookup(d, :k))
:ets.delete_object(d, {:k, 1})
IO.inspect(:ets.lookup(d, :k))

s = :ets.new(:s, [:set])
:ets.insert(s, [{:k, 1}, {:k, 2}])
IO.inspect(:ets.lookup(s, :k))
