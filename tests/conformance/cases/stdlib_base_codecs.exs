# Base 16/32/64 encoding and decoding, with Elixir's options and error messages.
data = <<0, 1, 127, 128, 254, 255, "hello">>
IO.puts(Base.encode16(data))
IO.puts(Base.encode16(data, case: :lower))
IO.inspect(Base.decode16("00017F80FEFF68656C6C6F"))
IO.inspect(Base.decode16("00017f80"))
IO.inspect(Base.decode16("00017f80", case: :lower))
IO.inspect(Base.decode16("00017f80AB", case: :mixed))
IO.inspect(Base.decode16("ABC"))
IO.inspect(Base.decode16("ZZ"))

for s <- ["", "f", "fo", "foo", "foob", "fooba", "foobar"] do
  enc = Base.encode64(s)
  IO.puts("#{inspect(s)} -> #{enc} / #{Base.encode64(s, padding: false)} / #{Base.encode32(s)}")
  {:ok, ^s} = Base.decode64(enc)
  {:ok, ^s} = Base.decode32(Base.encode32(s))
end

IO.inspect(Base.url_encode64(<<255, 127, 254, 252>>))
IO.inspect(Base.url_encode64(<<255, 127, 254, 252>>, padding: false))
IO.inspect(Base.url_decode64("_3_-_A=="))
IO.inspect(Base.url_decode64("_3_-_A", padding: false))
IO.inspect(Base.decode64("Zm9vYg"))
IO.inspect(Base.decode64("Zm9vYg", padding: false))
IO.inspect(Base.decode64("Zm9vYg==", padding: false))
IO.inspect(Base.decode64("Zm9v\nYmFy", ignore: :whitespace))
IO.inspect(Base.decode64("Zm9v YmFy"))
IO.inspect(Base.decode64("Z"))
IO.inspect(Base.encode32("foobar", case: :lower, padding: false))
IO.inspect(Base.decode32("mzxw6ytboi", case: :lower, padding: false))
IO.inspect(Base.decode64!("aGVsbG8="))

for {fun, arg} <- [{:decode16!, "0G"}, {:decode16!, "abc"}, {:decode64!, "Zm9vYg"}, {:decode64!, "Zm9v*mFy"}] do
  try do
    apply(Base, fun, [arg])
  rescue
    e in ArgumentError -> IO.puts("#{fun}: #{Exception.message(e)}")
  end
end

token = :crypto.hash(:sha256, "session-42") |> Base.url_encode64(padding: false)
IO.puts(token)
