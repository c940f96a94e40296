// Binaries and bitstrings beyond construction and matching: the rest of :binary (the search
// functions live in erlang.cpp), Kernel.bit_size/binary_part, the :erlang bitstring BIFs and
// IO's iodata/chardata helpers.
#include <gmp.h>

#include "engine/runtime/integer.h"
#include "engine/script/bitstring.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

std::string_view need_binary_arg(const Term& t, int position) {
    if (!t.is_binary()) raise_bif_argument_error(position, "not a binary");
    return t.binary_view();
}

int64_t need_integer_arg(const Term& t, int position) {
    if (!t.is_integer()) raise_bif_argument_error(position, "not an integer");
    return t.as_integer();
}

/// {start, length} of a part (length may be negative: the bytes before start), checked
/// against `size`; the out-of-range error names argument `position`.
std::pair<size_t, size_t> checked_part(int64_t start, int64_t length, size_t size, int position) {
    if (length < 0) {
        start += length;
        length = -length;
    }
    if (start < 0 || start > static_cast<int64_t>(size) ||
        length > static_cast<int64_t>(size) - start)
        raise_bif_argument_error(position, "out of range");
    return {static_cast<size_t>(start), static_cast<size_t>(length)};
}

bool is_little(const Term& endianness) {
    if (endianness.is_atom(Atom::intern("little"))) return true;
    if (endianness.is_atom(Atom::intern("big"))) return false;
    throw ErlangException::badarg();
}

Term decode_unsigned(ProcessContext&, Args a) {
    std::string_view bytes = need_binary_arg(a[0], 1);
    bool little = a.size() > 1 && is_little(a[1]);
    mpz_t v;
    mpz_init(v);
    mpz_import(v, bytes.size(), little ? -1 : 1, 1, 0, 0, bytes.data());
    Term r = integer::from_mpz(v);
    mpz_clear(v);
    return r;
}

Term encode_unsigned(ProcessContext&, Args a) {
    if (!a[0].is_integral() || integer::sign(a[0]) < 0) throw ErlangException::badarg();
    bool little = a.size() > 1 && is_little(a[1]);
    if (integer::sign(a[0]) == 0) return Term::binary(std::string(1, '\0'));
    mpz_t v;
    mpz_init(v);
    integer::to_mpz(a[0], v);
    std::string out((mpz_sizeinbase(v, 2) + 7) / 8, '\0');
    size_t written = 0;
    mpz_export(out.data(), &written, little ? -1 : 1, 1, 0, 0, v);
    mpz_clear(v);
    out.resize(written);
    return Term::binary(out);
}

Term bytes_to_list(std::string_view bytes) {
    std::vector<Term> out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) out.push_back(Term::integer(c));
    return make_list(out);
}

Term bin_to_list(ProcessContext&, Args a) {
    std::string_view s = need_binary_arg(a[0], 1);
    if (a.size() == 1) return bytes_to_list(s);
    int64_t start, length;
    if (a.size() == 2) {
        if (!a[1].is_tuple(2) || !a[1].element(0).is_integer() || !a[1].element(1).is_integer())
            throw ErlangException::badarg();
        start = a[1].element(0).as_integer();
        length = a[1].element(1).as_integer();
    } else {
        if (!a[1].is_integer() || !a[2].is_integer()) throw ErlangException::badarg();
        start = a[1].as_integer();
        length = a[2].as_integer();
    }
    auto [from, count] = checked_part(start, length, s.size(), 2);
    return bytes_to_list(s.substr(from, count));
}

Term iodata_to_binary(ProcessContext&, Args a) {
    if (a[0].is_binary()) return a[0];
    std::string out;
    if (!a[0].is_list() || !append_iodata(out, a[0]))
        raise_bif_argument_error(1, "not an iodata term");
    return Term::binary(out);
}

Term iodata_length(ProcessContext&, Args a) {
    if (a[0].is_binary()) return Term::integer(static_cast<int64_t>(a[0].binary_view().size()));
    std::string out;
    if (!a[0].is_list() || !append_iodata(out, a[0]))
        raise_bif_argument_error(1, "not an iodata term");
    return Term::integer(static_cast<int64_t>(out.size()));
}

Term chardata_to_string(ProcessContext&, Args a) {
    if (a[0].is_binary()) return a[0];
    std::string out;
    std::vector<const Term*> stack{&a[0]};
    while (!stack.empty()) {
        const Term* cur = stack.back();
        stack.pop_back();
        if (cur->is_binary()) {
            out.append(cur->binary_view());
        } else if (cur->is_integer() && cur->as_integer() >= 0) {
            const int64_t cp = cur->as_integer();
            // List.to_string/1, which chardata_to_string/1 calls on a list.
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                raise_term(make_exception(
                    "UnicodeConversionError",
                    {{"encoded", Term::binary(out)},
                     {"rest", *cur},
                     {"kind", Term::atom("invalid")},
                     {"message", Term::binary("invalid code point " + std::to_string(cp))}}));
            utf8_append(out, static_cast<char32_t>(cp));
        } else if (cur->is_cons()) {
            stack.push_back(&cur->tail());
            stack.push_back(&cur->head());
        } else if (!cur->is_empty_list()) {
            raise_function_clause("IO", "chardata_to_string", 1);
        }
    }
    return Term::binary(out);
}

/// The bitstrings of a list of bitstrings, bytes and lists (list_to_bitstring).
void gather_bitstrings(const Term& data, std::vector<Term>& parts) {
    std::vector<const Term*> stack{&data};
    while (!stack.empty()) {
        const Term* cur = stack.back();
        stack.pop_back();
        if (cur->is_bitstring()) {
            parts.push_back(*cur);
        } else if (cur->is_integer() && cur->as_integer() >= 0 && cur->as_integer() <= 255) {
            parts.push_back(Term::binary(std::string(1, static_cast<char>(cur->as_integer()))));
        } else if (cur->is_cons()) {
            stack.push_back(&cur->tail());
            stack.push_back(&cur->head());
        } else if (!cur->is_empty_list()) {
            raise_bif_argument_error(1, "not a bitstring list");
        }
    }
}

size_t common_affix(Args a, bool prefix) {
    std::vector<Term> items =
        need_list(a[0], {":binary", prefix ? "longest_common_prefix" : "longest_common_suffix", 1});
    if (items.empty()) throw ErlangException::badarg();
    for (const Term& t : items)
        if (!t.is_binary()) throw ErlangException::badarg();
    std::string_view first = items[0].binary_view();
    size_t n = first.size();
    for (const Term& t : items) {
        std::string_view s = t.binary_view();
        size_t k = 0;
        while (k < n && k < s.size() &&
               (prefix ? first[k] == s[k] : first[first.size() - 1 - k] == s[s.size() - 1 - k]))
            ++k;
        n = k;
    }
    return n;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

// Appends iodata (binaries, bytes 0..255, nested lists) without recursion; false when
/// something else is found.
bool append_iodata(std::string& out, const Term& data) {
    std::vector<const Term*> stack{&data};
    while (!stack.empty()) {
        const Term* cur = stack.back();
        stack.pop_back();
        if (cur->is_binary()) {
            out.append(cur->binary_view());
        } else if (cur->is_integer() && cur->as_integer() >= 0 && cur->as_integer() <= 255) {
            out += static_cast<char>(cur->as_integer());
        } else if (cur->is_cons()) {
            stack.push_back(&cur->tail());
            stack.push_back(&cur->head());
        } else if (!cur->is_empty_list()) {
            return false;
        }
    }
    return true;
}

void register_binary_extras(BuiltinTable& t) {
    const char* B = "binary";
    t.add(B, "decode_unsigned", 1, decode_unsigned);
    t.add(B, "decode_unsigned", 2, decode_unsigned);
    t.add(B, "encode_unsigned", 1, encode_unsigned);
    t.add(B, "encode_unsigned", 2, encode_unsigned);
    t.add(B, "bin_to_list", 2, bin_to_list);
    t.add(B, "bin_to_list", 3, bin_to_list);
    t.add(
        B, "part", 2, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = need_binary_arg(a[0], 1);
            if (!a[1].is_tuple(2) || !a[1].element(0).is_integer() || !a[1].element(1).is_integer())
                throw ErlangException::badarg();
            auto [from, count] = checked_part(a[1].element(0).as_integer(),
                                              a[1].element(1).as_integer(), s.size(), 2);
            return Term::sub_binary(a[0], from, count);
        });
    t.add(
        B, "list_to_bin", 1, +[](ProcessContext&, Args a) -> Term {
            std::string out;
            if (!a[0].is_list() || !append_iodata(out, a[0])) throw ErlangException::badarg();
            return Term::binary(out);
        });
    t.add(
        B, "longest_common_prefix", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(static_cast<int64_t>(common_affix(a, true)));
        });
    t.add(
        B, "longest_common_suffix", 1, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(static_cast<int64_t>(common_affix(a, false)));
        });
    t.add(
        B, "encode_hex", 1, +[](ProcessContext&, Args a) -> Term {
            static constexpr char kDigits[] = "0123456789ABCDEF";
            std::string_view s = need_binary_arg(a[0], 1);
            std::string out;
            for (unsigned char c : s) {
                out += kDigits[c >> 4];
                out += kDigits[c & 15];
            }
            return Term::binary(out);
        });
    t.add(
        B, "decode_hex", 1, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = need_binary_arg(a[0], 1);
            if (s.size() % 2) throw ErlangException::badarg();
            std::string out;
            for (size_t i = 0; i < s.size(); i += 2) {
                int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
                if (hi < 0 || lo < 0) throw ErlangException::badarg();
                out += static_cast<char>(hi * 16 + lo);
            }
            return Term::binary(out);
        });

    auto bit_size = +[](ProcessContext&, Args a) -> Term {
        if (!a[0].is_bitstring()) raise_bif_argument_error(1, "not a bitstring");
        return Term::integer(static_cast<int64_t>(a[0].bit_size()));
    };
    auto binary_part = +[](ProcessContext&, Args a) -> Term {
        std::string_view s = need_binary_arg(a[0], 1);
        int64_t start, length;
        int position = 2;
        if (a.size() == 2) {
            if (!a[1].is_tuple(2) || !a[1].element(0).is_integer() || !a[1].element(1).is_integer())
                raise_bif_argument_error(2, "not a valid {Pos,Length} tuple");
            start = a[1].element(0).as_integer();
            length = a[1].element(1).as_integer();
        } else {
            start = need_integer_arg(a[1], 2);
            length = need_integer_arg(a[2], 3);
            position = 3;
        }
        auto [from, count] = checked_part(start, length, s.size(), position);
        return Term::sub_binary(a[0], from, count);
    };
    for (const char* m : {"Elixir.Kernel", "erlang"}) {
        t.add(m, "bit_size", 1, bit_size);
        t.add(m, "binary_part", 3, binary_part);
    }
    t.add("erlang", "binary_part", 2, binary_part);
    t.add(
        "erlang", "bitstring_to_list", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_bitstring()) raise_bif_argument_error(1, "not a bitstring");
            std::string_view s = a[0].binary_view();
            uint64_t bits = a[0].bit_size();
            std::vector<Term> out;
            size_t whole = static_cast<size_t>(bits / 8);
            for (size_t i = 0; i < whole; ++i)
                out.push_back(Term::integer(static_cast<unsigned char>(s[i])));
            Term tail = Term::empty_list();
            if (bits % 8) tail = Term::list({Term::bitstring(s.substr(whole), bits % 8)});
            return make_list(out, tail);
        });
    t.add(
        "erlang", "list_to_bitstring", 1, +[](ProcessContext&, Args a) -> Term {
            if (!a[0].is_list()) raise_bif_argument_error(1, "not a bitstring list");
            std::vector<Term> parts;
            gather_bitstrings(a[0], parts);
            return bits::concat(parts);
        });
    t.add(
        "erlang", "split_binary", 2, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = need_binary_arg(a[0], 1);
            int64_t at = need_integer_arg(a[1], 2);
            if (at < 0 || at > static_cast<int64_t>(s.size()))
                raise_bif_argument_error(2, "out of range");
            auto n = static_cast<size_t>(at);
            return Term::tuple(
                {Term::sub_binary(a[0], 0, n), Term::sub_binary(a[0], n, s.size() - n)});
        });
    t.add(
        "erlang", "binary_to_list", 3, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = need_binary_arg(a[0], 1);
            int64_t first = need_integer_arg(a[1], 2), last = need_integer_arg(a[2], 3);
            if (first < 1 || first > static_cast<int64_t>(s.size()))
                raise_bif_argument_error(2, "out of range");
            if (last < first || last > static_cast<int64_t>(s.size()))
                raise_bif_argument_error(3, "out of range");
            return bytes_to_list(
                s.substr(static_cast<size_t>(first - 1), static_cast<size_t>(last - first + 1)));
        });
    t.add(
        "erlang", "iolist_size", 1, +[](ProcessContext&, Args a) -> Term {
            std::string out;
            if (!(a[0].is_binary() || a[0].is_list()) || !append_iodata(out, a[0]))
                raise_bif_argument_error(1, "not an iodata term");
            return Term::integer(a[0].is_binary() ? static_cast<int64_t>(a[0].binary_view().size())
                                                  : static_cast<int64_t>(out.size()));
        });
    const char* IO = "Elixir.IO";
    t.add(IO, "iodata_to_binary", 1, iodata_to_binary);
    t.add(IO, "iodata_length", 1, iodata_length);
    t.add(IO, "chardata_to_string", 1, chardata_to_string);
}

}  // namespace tasklens::script::stdlib
