# String.normalize/2 and :unicode.characters_to_nf*: decomposition, canonical order,
# composition (with blocking), Hangul, compatibility forms.
samples = ["é", "e\u0301", "Å", "A\u030A", "\u212B", "ﬁ", "①", "½", "한국어", "\u1112\u1161\u11AB",
           "q\u0307\u0323", "a\u0323\u0302\u0301", "ẛ\u0323", "\u0344", "Ω\u2126", "x\u0301\u0301", "ｱｲ", "ℌ"]
for s <- samples, form <- [:nfd, :nfc, :nfkd, :nfkc] do
  n = String.normalize(s, form)
  IO.puts("#{inspect(s)} #{form} #{inspect(String.to_charlist(n), charlists: :as_lists)} #{byte_size(n)}")
end
IO.inspect(String.normalize("crème brûlée", :nfd) |> String.codepoints() |> Enum.reject(&(&1 in ["\u0300", "\u0301", "\u0302"])) |> Enum.join())
IO.inspect(String.normalize(<<"a", 0xFF, "e\u0301">>, :nfc))
IO.inspect(:unicode.characters_to_nfc_binary(["e", 0x301, "x"]))
IO.inspect(:unicode.characters_to_nfd_list("é"))
IO.inspect(:unicode.characters_to_nfkc_list('ﬁ'))
IO.inspect(String.normalize("é", :nfd) == String.normalize("e\u0301", :nfd))
