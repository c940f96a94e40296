// :erlang.term_to_binary/1,2, binary_to_term/1,2 and external_size/1,2: the external term format
// byte for byte as OTP 25 writes it (default minor_version 1: atoms as ATOM_EXT in latin1 when
// they can be, ATOM_UTF8 forms otherwise; minor_version 2: always the UTF-8 forms; 0: floats as
// FLOAT_EXT text). Local pids and references are written as a node named nonode@nohost writes
// them, with creation 0. Maps are written in maps:to_list order (the key order for maps of up to
// 32 keys, as erts). Anonymous functions are not encoded (their NEW_FUN_EXT holds the BEAM
// module's MD5 and code index), nor is the `compressed` option: both raise Tasklens's
// "does not support" error.
#include <gmp.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/runtime/integer.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

enum Tag : uint8_t {
    kNewFloat = 70,
    kBitBinary = 77,
    kNewPid = 88,
    kNewerReference = 90,
    kSmallInteger = 97,
    kInteger = 98,
    kFloat = 99,
    kAtom = 100,
    kReference = 101,
    kPid = 103,
    kSmallTuple = 104,
    kLargeTuple = 105,
    kNil = 106,
    kString = 107,
    kList = 108,
    kBinary = 109,
    kSmallBig = 110,
    kLargeBig = 111,
    kExport = 113,
    kNewReference = 114,
    kSmallAtom = 115,
    kMap = 116,
    kAtomUtf8 = 118,
    kSmallAtomUtf8 = 119,
    kVersion = 131,
};

[[noreturn]] void unsupported(std::string_view what) {
    raise_term(
        make_exception("Tasklens.UnsupportedError",
                       {{"message", Term::binary("Tasklens does not support " + std::string(what) +
                                                 " yet (see docs/scenario-language.md)")}}));
}

class Encoder {
  public:
    explicit Encoder(int minor_version) : minor_(minor_version) {}

    std::string take() { return std::move(out_); }

    void term(const Term& t) {
        // An explicit stack instead of recursion: lists and tuples may nest deeply.
        std::vector<const Term*> stack{&t};
        std::vector<Term> keep;  // map entries copied out for the stack
        keep.reserve(64);
        while (!stack.empty()) {
            const Term* cur = stack.back();
            stack.pop_back();
            encode_one(*cur, stack, keep);
        }
    }

  private:
    void u8(unsigned v) { out_.push_back(static_cast<char>(v & 0xFF)); }
    void u16(unsigned v) {
        u8(v >> 8);
        u8(v);
    }
    void u32(uint64_t v) {
        u8(static_cast<unsigned>(v >> 24));
        u8(static_cast<unsigned>(v >> 16));
        u8(static_cast<unsigned>(v >> 8));
        u8(static_cast<unsigned>(v));
    }

    void atom(Atom a) {
        std::string_view name = a.name();
        // latin1 when every character is below 256 (ATOM_EXT) under minor_version < 2.
        std::string latin1;
        bool is_latin1 = minor_ < 2;
        for (size_t i = 0; is_latin1 && i < name.size();) {
            char32_t cp;
            bool valid;
            i += utf8_decode(name, i, cp, valid);
            if (cp > 255) is_latin1 = false;
            latin1.push_back(static_cast<char>(cp));
        }
        if (is_latin1) {
            u8(kAtom);
            u16(static_cast<unsigned>(latin1.size()));
            out_ += latin1;
        } else if (name.size() < 256) {
            u8(kSmallAtomUtf8);
            u8(static_cast<unsigned>(name.size()));
            out_ += name;
        } else {
            u8(kAtomUtf8);
            u16(static_cast<unsigned>(name.size()));
            out_ += name;
        }
    }

    void integer(const Term& t) {
        if (t.is_integer()) {
            int64_t v = t.as_integer();
            if (v >= 0 && v <= 255) {
                u8(kSmallInteger);
                u8(static_cast<unsigned>(v));
                return;
            }
            if (v >= INT32_MIN && v <= INT32_MAX) {
                u8(kInteger);
                u32(static_cast<uint32_t>(static_cast<int32_t>(v)));
                return;
            }
        }
        mpz_t value;
        mpz_init(value);
        integer::to_mpz(t, value);
        const bool negative = mpz_sgn(value) < 0;
        mpz_abs(value, value);
        size_t count = (mpz_sizeinbase(value, 2) + 7) / 8;
        std::string digits(count, '\0');
        size_t written = 0;
        mpz_export(digits.data(), &written, -1, 1, 0, 0, value);  // little-endian bytes
        mpz_clear(value);
        digits.resize(written);
        if (written < 256) {
            u8(kSmallBig);
            u8(static_cast<unsigned>(written));
        } else {
            u8(kLargeBig);
            u32(written);
        }
        u8(negative ? 1 : 0);
        out_ += digits;
    }

    void floating(double d) {
        if (minor_ == 0) {
            char buf[32] = {};
            std::snprintf(buf, sizeof buf, "%.20e", d);
            u8(kFloat);
            out_.append(buf, 31);
            return;
        }
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        u8(kNewFloat);
        u32(bits >> 32);
        u32(bits & 0xFFFFFFFFu);
    }

    void local_node() { atom(Atom::intern("nonode@nohost")); }

    void encode_one(const Term& t, std::vector<const Term*>& stack, std::vector<Term>& keep) {
        switch (t.type()) {
            case TermType::Integer:
            case TermType::BigInt:
                integer(t);
                return;
            case TermType::Float:
                floating(t.as_float());
                return;
            case TermType::Atom:
                atom(t.as_atom());
                return;
            case TermType::Pid: {
                Pid p = t.as_pid();
                u8(kNewPid);
                local_node();
                u32(p.serial);
                u32(p.node);
                u32(0);
                return;
            }
            case TermType::Reference: {
                uint64_t id = t.as_reference().id;
                u8(kNewerReference);
                u16(3);
                local_node();
                u32(0);
                u32(id & 0xFFFFFFFFu);
                u32(id >> 32);
                u32(0);
                return;
            }
            case TermType::Fun: {
                const FunObject& f = t.fun();
                if (f.kind != FunObject::Kind::External)
                    unsupported(":erlang.term_to_binary/1 of an anonymous function");
                u8(kExport);
                atom(f.module);
                atom(f.name);
                integer(Term::integer(f.arity));
                return;
            }
            case TermType::Tuple: {
                auto items = t.tuple_items();
                if (items.size() < 256) {
                    u8(kSmallTuple);
                    u8(static_cast<unsigned>(items.size()));
                } else {
                    u8(kLargeTuple);
                    u32(items.size());
                }
                for (size_t i = items.size(); i-- > 0;) stack.push_back(&items[i]);
                return;
            }
            case TermType::Map: {
                const MapObject& m = t.map_object();
                u8(kMap);
                u32(m.size());
                std::vector<const Term*> pairs;
                for (const auto& entry : m) {
                    pairs.push_back(&entry.first);
                    pairs.push_back(&entry.second);
                }
                for (size_t i = pairs.size(); i-- > 0;) stack.push_back(pairs[i]);
                return;
            }
            case TermType::Nil:
                u8(kNil);
                return;
            case TermType::List: {
                // STRING_EXT for a proper list of bytes up to 65535 long.
                std::string bytes;
                bool is_string = true;
                size_t n = 0;
                const Term* rest = &t;
                for (; rest->is_cons(); rest = &rest->tail(), ++n) {
                    const Term& h = rest->head();
                    if (is_string && h.is_integer() && h.as_integer() >= 0 && h.as_integer() <= 255)
                        bytes.push_back(static_cast<char>(h.as_integer()));
                    else
                        is_string = false;
                }
                if (is_string && rest->is_empty_list() && n <= 65535) {
                    u8(kString);
                    u16(static_cast<unsigned>(n));
                    out_ += bytes;
                    return;
                }
                u8(kList);
                u32(n);
                stack.push_back(rest);
                std::vector<const Term*> items;
                items.reserve(n);
                for (const Term* c = &t; c->is_cons(); c = &c->tail()) items.push_back(&c->head());
                for (size_t i = items.size(); i-- > 0;) stack.push_back(items[i]);
                (void)keep;
                return;
            }
            case TermType::Binary: {
                std::string_view b = t.binary_view();
                u8(kBinary);
                u32(b.size());
                out_ += b;
                return;
            }
            case TermType::Bitstring: {
                std::string_view b = t.binary_view();
                u8(kBitBinary);
                u32(b.size());
                u8(static_cast<unsigned>(t.bit_size() % 8));
                out_ += b;
                return;
            }
        }
    }

    int minor_;
    std::string out_;
};

struct BadTerm {};

Term make_external_fun(Atom module, Atom function, int arity) {
    auto* f = new FunObject(FunObject::Kind::External);
    f->module = module;
    f->name = function;
    f->arity = static_cast<uint32_t>(arity);
    return Term::adopt(f);
}

class Decoder {
  public:
    explicit Decoder(std::string_view bytes) : in_(bytes) {}

    // Iterative: containers being filled wait on `open`, so a term nested millions deep (which
    // the BEAM decodes) costs heap, not C++ stack.
    Term decode_top() {
        if (u8() != kVersion) throw BadTerm{};
        std::vector<Open> open;
        for (;;) {
            Term t;
            if (!leaf_or_open(open, t)) continue;
            // Hand the finished term to its container, closing every container it completes.
            for (;;) {
                if (open.empty()) return t;
                Open& o = open.back();
                o.items.push_back(std::move(t));
                if (--o.remaining > 0) break;
                t = close(o);
                open.pop_back();
            }
        }
    }
    size_t used() const { return pos_; }

  private:
    unsigned u8() {
        if (pos_ >= in_.size()) throw BadTerm{};
        return static_cast<unsigned char>(in_[pos_++]);
    }
    unsigned u16() {
        unsigned hi = u8();
        return (hi << 8) | u8();
    }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
        return v;
    }
    std::string_view bytes(size_t n) {
        if (n > in_.size() - pos_) throw BadTerm{};
        std::string_view s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    Atom latin1_atom(std::string_view s) {
        std::string utf8;
        for (unsigned char c : s) utf8_append(utf8, c);
        return Atom::intern(utf8);
    }
    Atom any_atom() {
        unsigned tag = u8();
        switch (tag) {
            case kAtom:
                return latin1_atom(bytes(u16()));
            case kSmallAtom:
                return latin1_atom(bytes(u8()));
            case kAtomUtf8: {
                std::string_view s = bytes(u16());
                if (!utf8_valid(s)) throw BadTerm{};
                return Atom::intern(s);
            }
            case kSmallAtomUtf8: {
                std::string_view s = bytes(u8());
                if (!utf8_valid(s)) throw BadTerm{};
                return Atom::intern(s);
            }
            default:
                throw BadTerm{};
        }
    }
    void local_node_only(Atom node) {
        if (node.name() != "nonode@nohost")
            unsupported(":erlang.binary_to_term/1 of a pid or reference of another node");
    }

    // A tuple, list, map or export whose elements are still being read.
    struct Open {
        uint8_t tag;
        size_t remaining;  // terms still to read, a list's tail and a map's values included
        std::vector<Term> items;
        Atom module, function;  // kExport only
    };

    static Term close(Open& o) {
        switch (o.tag) {
            case kSmallTuple:
                return Term::tuple(o.items);
            case kList: {
                Term tail = std::move(o.items.back());
                o.items.pop_back();
                return Term::list(o.items, std::move(tail));
            }
            case kMap: {
                size_t n = o.items.size() / 2;
                std::vector<std::pair<Term, Term>> entries;
                entries.reserve(n);
                for (size_t i = 0; i < n; ++i)
                    entries.emplace_back(std::move(o.items[2 * i]), std::move(o.items[2 * i + 1]));
                Term m = Term::map(std::move(entries));
                if (m.map_size() != n) throw BadTerm{};  // duplicate keys
                return m;
            }
            default: {  // kExport
                const Term& arity = o.items[0];
                if (!arity.is_integer() || arity.as_integer() < 0 || arity.as_integer() > 255)
                    throw BadTerm{};
                return make_external_fun(o.module, o.function,
                                         static_cast<int>(arity.as_integer()));
            }
        }
    }

    // Reads one tag: a complete term into `out` (true), or a non-empty container pushed on
    // `open` (false).
    bool leaf_or_open(std::vector<Open>& open, Term& out) {
        unsigned tag = u8();
        switch (tag) {
            case kSmallInteger:
                out = Term::integer(u8());
                return true;
            case kInteger:
                out = Term::integer(static_cast<int32_t>(u32()));
                return true;
            case kSmallBig:
            case kLargeBig: {
                size_t n = tag == kSmallBig ? u8() : u32();
                unsigned sign = u8();
                std::string_view digits = bytes(n);
                mpz_t value;
                mpz_init(value);
                mpz_import(value, n, -1, 1, 0, 0, digits.data());
                if (sign) mpz_neg(value, value);
                out = integer::from_mpz(value);
                mpz_clear(value);
                return true;
            }
            case kNewFloat: {
                uint64_t bits = (uint64_t{u32()} << 32) | u32();
                double d;
                std::memcpy(&d, &bits, 8);
                if (!std::isfinite(d)) throw BadTerm{};
                out = Term::floating(d);
                return true;
            }
            case kFloat: {
                std::string text(bytes(31));
                char* end = nullptr;
                double d = std::strtod(text.c_str(), &end);
                if (end == text.c_str() || !std::isfinite(d)) throw BadTerm{};
                out = Term::floating(d);
                return true;
            }
            case kAtom:
            case kSmallAtom:
            case kAtomUtf8:
            case kSmallAtomUtf8:
                --pos_;
                out = Term::atom(any_atom());
                return true;
            case kSmallTuple:
            case kLargeTuple: {
                size_t n = tag == kSmallTuple ? u8() : u32();
                if (n > in_.size() - pos_) throw BadTerm{};
                if (n == 0) {
                    out = Term::tuple({});
                    return true;
                }
                open.push_back(Open{kSmallTuple, n, {}, {}, {}});
                open.back().items.reserve(n);
                return false;
            }
            case kNil:
                out = Term::empty_list();
                return true;
            case kString: {
                std::string_view s = bytes(u16());
                std::vector<Term> items;
                items.reserve(s.size());
                for (unsigned char c : s) items.push_back(Term::integer(c));
                out = Term::list(items);
                return true;
            }
            case kList: {
                size_t n = u32();
                if (n > in_.size() - pos_) throw BadTerm{};
                open.push_back(Open{kList, n + 1, {}, {}, {}});
                open.back().items.reserve(n + 1);
                return false;
            }
            case kBinary:
                out = Term::binary(bytes(u32()));
                return true;
            case kBitBinary: {
                size_t n = u32();
                unsigned bits = u8();
                std::string_view b = bytes(n);
                if (bits > 8 || (n == 0 && bits != 0) || bits == 0) throw BadTerm{};
                out = bits == 8 ? Term::binary(b) : Term::bitstring(b, (n - 1) * 8 + bits);
                return true;
            }
            case kMap: {
                size_t n = u32();
                if (n > in_.size() - pos_) throw BadTerm{};
                if (n == 0) {
                    out = Term::map({});
                    return true;
                }
                open.push_back(Open{kMap, 2 * n, {}, {}, {}});
                open.back().items.reserve(2 * n);
                return false;
            }
            case kNewPid:
            case kPid: {
                Atom node = any_atom();
                uint32_t id = u32();
                uint32_t serial = u32();
                if (tag == kNewPid)
                    u32();
                else
                    u8();
                local_node_only(node);
                out = Term::pid(Pid{serial, id});
                return true;
            }
            case kNewerReference:
            case kNewReference: {
                unsigned words = u16();
                Atom node = any_atom();
                if (tag == kNewerReference)
                    u32();
                else
                    u8();
                if (words == 0 || words > 5) throw BadTerm{};
                uint64_t w0 = u32();
                uint64_t w1 = words > 1 ? u32() : 0;
                for (unsigned i = 2; i < words; ++i) u32();
                local_node_only(node);
                out = Term::reference(Ref{w0 | (w1 << 32)});
                return true;
            }
            case kExport: {
                Atom module = any_atom();
                Atom function = any_atom();
                open.push_back(Open{kExport, 1, {}, module, function});
                return false;
            }
            case 80:  // COMPRESSED
                unsupported(":erlang.binary_to_term/1 of a compressed term");
            default:
                throw BadTerm{};
        }
    }

    std::string_view in_;
    size_t pos_ = 0;
};

int minor_version_option(const Term& options) {
    int minor = 1;
    if (!options.is_list()) raise_bif_argument_error(2, "invalid option in list");
    for (ListIterator it(options);; ++it) {
        if (it.done()) {
            if (!it.rest().is_empty_list()) raise_bif_argument_error(2, "invalid option in list");
            break;
        }
        const Term& o = *it;
        if (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("minor_version"))) {
            const Term& v = o.element(1);
            if (!v.is_integer() || v.as_integer() < 0 || v.as_integer() > 2)
                raise_bif_argument_error(2, "invalid option in list");
            minor = static_cast<int>(v.as_integer());
        } else if (o.is_atom(Atom::intern("compressed")) ||
                   (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("compressed")))) {
            unsupported(":erlang.term_to_binary/2 with the compressed option");
        } else if (o.is_atom(Atom::intern("deterministic")) ||
                   (o.is_tuple(2) && o.element(0).is_atom(Atom::intern("local")))) {
            // deterministic: our maps are written in one order already
        } else {
            raise_bif_argument_error(2, "invalid option in list");
        }
    }
    return minor;
}

std::string encode(const Term& t, int minor) {
    Encoder e(minor);
    e.term(t);
    std::string body = e.take();
    std::string out;
    out.reserve(body.size() + 1);
    out.push_back(static_cast<char>(kVersion));
    out += body;
    return out;
}

Term term_to_binary1(ProcessContext&, Args a) {
    return Term::binary(encode(a[0], 1));
}
Term term_to_binary2(ProcessContext&, Args a) {
    return Term::binary(encode(a[0], minor_version_option(a[1])));
}
Term external_size1(ProcessContext&, Args a) {
    return Term::integer(static_cast<int64_t>(encode(a[0], 1).size()));
}
Term external_size2(ProcessContext&, Args a) {
    return Term::integer(static_cast<int64_t>(encode(a[0], minor_version_option(a[1])).size()));
}

Term decode(const Term& bin, bool used) {
    if (!bin.is_binary()) raise_bif_argument_error(1, "not a binary");
    Decoder d(bin.binary_view());
    try {
        Term t = d.decode_top();
        if (used) return Term::tuple({t, Term::integer(static_cast<int64_t>(d.used()))});
        return t;
    } catch (const BadTerm&) {
        raise_bif_argument_error(1, "invalid external representation of a term");
    }
}
Term binary_to_term1(ProcessContext&, Args a) {
    return decode(a[0], false);
}
Term binary_to_term2(ProcessContext&, Args a) {
    bool used = false;
    if (!a[1].is_list()) raise_bif_argument_error(2, "invalid option in list");
    for (ListIterator it(a[1]); !it.done(); ++it) {
        if ((*it).is_atom(Atom::intern("used")))
            used = true;
        else if (!(*it).is_atom(Atom::intern("safe")))
            raise_bif_argument_error(2, "invalid option in list");
    }
    return decode(a[0], used);
}

}  // namespace

void register_external_term(BuiltinTable& t) {
    t.add("erlang", "term_to_binary", 1, term_to_binary1);
    t.add("erlang", "term_to_binary", 2, term_to_binary2);
    t.add("erlang", "external_size", 1, external_size1);
    t.add("erlang", "external_size", 2, external_size2);
    t.add("erlang", "binary_to_term", 1, binary_to_term1);
    t.add("erlang", "binary_to_term", 2, binary_to_term2);
}

}  // namespace tasklens::script::stdlib
