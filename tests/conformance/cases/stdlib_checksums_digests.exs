# :erlang.crc32/adler32/md5 and :crypto.hash/2 digests, byte-exact with the BEAM's.
inputs = ["", "abc", "hello world", String.duplicate("a", 1000), ["io", ?d, ["ata"]]]

for input <- inputs do
  bin = IO.iodata_to_binary(input)
  IO.puts("#{byte_size(bin)} bytes: crc32=#{:erlang.crc32(input)} adler32=#{:erlang.adler32(input)}")

  for algo <- [:md5, :sha, :sha224, :sha256, :sha384, :sha512] do
    IO.puts("  #{algo} #{:crypto.hash(algo, input) |> Base.encode16(case: :lower)}")
  end
end

IO.inspect(:erlang.md5("abc"))
IO.inspect(:erlang.crc32(:erlang.crc32("hello "), "world") == :erlang.crc32("hello world"))
IO.inspect(:erlang.adler32(:erlang.adler32("hello "), "world") == :erlang.adler32("hello world"))
# a 55/56/64-byte message crosses the padding boundary of the 64-byte block hashes
for n <- [55, 56, 63, 64, 111, 112, 128] do
  msg = String.duplicate("x", n)
  IO.puts("#{n}: #{Base.encode16(:crypto.hash(:sha256, msg), case: :lower)} #{Base.encode16(:crypto.hash(:sha512, msg), case: :lower) |> binary_part(0, 16)}")
end

shard = fn key -> rem(:erlang.crc32(key), 4) end
IO.inspect(Enum.map(~w(alice bob carol dave), &{&1, shard.(&1)}))

# HMAC, as a webhook signature check does it
secret = "s3cr3t"
payload = ~s({"event":"push","id":42})
for algo <- [:md5, :sha, :sha256, :sha512] do
  IO.puts("hmac #{algo}: #{:crypto.mac(:hmac, algo, secret, payload) |> Base.encode16(case: :lower)}")
end
long_key = String.duplicate("k", 200)
IO.puts(:crypto.mac(:hmac, :sha256, long_key, ["a", "b"]) |> Base.encode64())
