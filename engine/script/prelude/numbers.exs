# Prelude: the Integer and Float functions written in the scenario language (the others are
# native, stdlib/integer.cpp).

defmodule Integer do
  # Bézout coefficients by the extended Euclidean algorithm with truncating division, the gcd
  # made non-negative as Elixir returns it ({2, -9, 47} for 240 and 46). A zero argument gives the
  # other one as it is, sign included ({-3, 0, 1} for 0 and -3).
  def extended_gcd(0, 0), do: {0, 0, 0}
  def extended_gcd(0, b) when is_integer(b), do: {b, 0, 1}
  def extended_gcd(a, 0) when is_integer(a), do: {a, 1, 0}

  def extended_gcd(a, b) when is_integer(a) and is_integer(b) do
    bezout(a, b, 1, 0, 0, 1)
  end

  defp bezout(previous, current, previous_s, s, previous_t, t) do
    quotient = div(previous, current)

    case previous - quotient * current do
      0 when current > 0 -> {current, s, t}
      0 -> {-current, -s, -t}
      remainder -> bezout(current, remainder, s, previous_s - quotient * s, t, previous_t - quotient * t)
    end
  end
end

defmodule Float do
  # The exact value of a float as a fraction in lowest terms, the denominator a power of two.
  def ratio(float) when is_float(float) do
    <<sign::1, exponent::11, fraction::52>> = <<float::float>>

    {mantissa, power} =
      if exponent == 0, do: {fraction, -1074}, else: {fraction + 0x10000000000000, exponent - 1075}

    numerator = if sign == 1, do: -mantissa, else: mantissa

    cond do
      mantissa == 0 -> {0, 1}
      power >= 0 -> {Bitwise.bsl(numerator, power), 1}
      true -> lowest_terms(numerator, power)
    end
  end

  defp lowest_terms(numerator, 0), do: {numerator, 1}

  defp lowest_terms(numerator, power) when Bitwise.band(numerator, 1) == 0 do
    lowest_terms(Bitwise.bsr(numerator, 1), power + 1)
  end

  defp lowest_terms(numerator, power), do: {numerator, Bitwise.bsl(1, -power)}
end
