#include "engine/script/compile_bitstring.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "engine/runtime/integer.h"
#include "engine/script/bitstring.h"

namespace tasklens::script {
namespace {

using bits::SegmentSpec;

bool is_utf(BitType type) {
    return type == BitType::Utf8 || type == BitType::Utf16 || type == BitType::Utf32;
}

/// One segment ready to compile: `<<"ab"::utf16>>` is expanded to one segment per character,
/// as Elixir does, so `value` may be a synthesized literal.
struct Segment {
    const Node* node;
    const Node* value;       // null when `codepoint` stands for the value
    int64_t codepoint = -1;  // a character of an expanded utf string literal
    SegmentSpec spec;
    const Node* size = nullptr;  // the size expression when not a literal
};

std::vector<Segment> segments_of(std::span<Node* const> nodes, BitstringHost& host) {
    std::vector<Segment> out;
    for (const Node* node : nodes) {
        if (node->kind != NodeKind::BitSegment)
            host.refuse_construct(node, "this bitstring segment");
        Segment s;
        s.node = node;
        s.value = node->child(0);
        s.spec.type = node->bit_type;
        s.spec.modifiers = node->modifiers;
        s.spec.unit = node->arity;
        if (node->children.size() > 1) {
            const Node* size = node->child(1);
            if (size->kind == NodeKind::Integer && !size->has(kBigInteger) && size->integer >= 0) {
                s.spec.size = SegmentSpec::Size::Literal;
                s.spec.value = static_cast<uint64_t>(size->integer);
            } else {
                s.spec.size = SegmentSpec::Size::Register;
                s.size = size;
            }
        }
        if (s.value->kind == NodeKind::String && is_utf(s.spec.type)) {
            for (uint32_t cp : literal_codepoints(s.value->text)) {
                Segment c = s;
                c.value = nullptr;
                c.codepoint = cp;
                out.push_back(c);
            }
            continue;
        }
        if (s.value->kind == NodeKind::String && s.spec.type == BitType::Binary &&
            s.spec.size == SegmentSpec::Size::Default) {
            // a literal string matches exactly its own bytes
            s.spec.size = SegmentSpec::Size::Literal;
            s.spec.value = s.value->text.size();
        }
        out.push_back(s);
    }
    return out;
}

}  // namespace

std::vector<uint32_t> literal_codepoints(std::string_view text) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < text.size();) {
        auto b = static_cast<unsigned char>(text[i]);
        unsigned length = b < 0x80         ? 1
                          : (b >> 5) == 6  ? 2
                          : (b >> 4) == 14 ? 3
                          : (b >> 3) == 30 ? 4
                                           : 1;
        uint32_t cp = length == 1   ? b
                      : length == 2 ? (b & 0x1Fu)
                      : length == 3 ? (b & 0x0Fu)
                                    : (b & 0x07u);
        for (unsigned k = 1; k < length; ++k) {
            if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) >> 6) != 2) {
                length = 1;  // not UTF-8: the byte stands for itself
                cp = b;
                break;
            }
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        }
        out.push_back(cp);
        i += length;
    }
    return out;
}

Term big_integer_literal(std::string_view spelling) {
    bool negative = spelling.starts_with('-');
    if (negative) spelling.remove_prefix(1);
    int base = 10;
    if (spelling.size() > 2 && spelling[0] == '0' &&
        (spelling[1] == 'x' || spelling[1] == 'o' || spelling[1] == 'b')) {
        base = spelling[1] == 'x' ? 16 : spelling[1] == 'o' ? 8 : 2;
        spelling.remove_prefix(2);
    }
    std::string digits = negative ? "-" : "";
    for (char c : spelling)
        if (c != '_') digits += c;
    return *integer::parse(digits, base);
}

void BitstringCompiler::generator(const Node* generator, uint32_t source,
                                  const ValuePattern& value_pattern,
                                  const std::function<void()>& body) {
    const Node* arrow = generator->children.back();
    std::vector<Node*> segments(generator->children.begin(), generator->children.end() - 1);
    segments.push_back(arrow->child(0));
    std::vector<uint32_t> to_end;
    auto end = [&](uint32_t instruction) { to_end.push_back(instruction); };
    uint32_t context = start(source, end);
    uint32_t loop = host_.code_position();
    this->segments(segments, context, end, value_pattern);
    body();
    host_.emit_instruction(Op::Jump, 0, 0, 0, loop);
    uint32_t after = host_.code_position();
    for (uint32_t instruction : to_end) host_.set_jump_target(instruction, after);
}

uint32_t BitstringCompiler::build(const Node* bitstring) {
    std::vector<Segment> segments = segments_of(bitstring->children, host_);
    uint32_t operands = 0;
    for (const Segment& s : segments)
        operands += s.spec.size == SegmentSpec::Size::Register ? 2 : 1;
    uint32_t base = host_.new_registers(operands);
    std::vector<Term> specs;
    uint32_t at = base;
    for (const Segment& s : segments) {
        if (s.value) {
            host_.compile_into(s.value, at++);
        } else {
            host_.emit_instruction(Op::LoadK, at++, host_.constant(Term::integer(s.codepoint)), 0,
                                   0);
        }
        if (s.spec.size == SegmentSpec::Size::Register) host_.compile_into(s.size, at++);
        specs.push_back(Term::integer(s.spec.pack()));
    }
    uint32_t dst = host_.new_registers(1);
    host_.emit_instruction(Op::BsBuild, dst, base, host_.constant(Term::tuple(specs)), operands);
    return dst;
}

uint32_t BitstringCompiler::start(uint32_t src, const FailTo& fail) {
    uint32_t context = host_.new_registers(2);
    fail(host_.emit_instruction(Op::BsStart, context, src, 0, 0));
    return context;
}

void BitstringCompiler::segments(std::span<Node* const> nodes, uint32_t context,
                                 const FailTo& shape_fail, const ValuePattern& value_pattern,
                                 bool more_follow) {
    std::vector<Segment> segments = segments_of(nodes, host_);
    // Variables that size a later segment (`<<n, payload::binary-size(n)>>`) are bound at once.
    std::set<std::string_view> sizing;
    for (const Segment& s : segments)
        if (s.size && s.size->kind == NodeKind::Variable && !s.size->has(kPinned))
            sizing.insert(s.size->text);
    std::vector<std::pair<const Node*, uint32_t>> deferred;
    for (size_t i = 0; i < segments.size(); ++i) {
        Segment& s = segments[i];
        bool last = i + 1 == segments.size() && !more_follow;
        if (!last && s.spec.size == SegmentSpec::Size::Default &&
            (s.spec.type == BitType::Binary || s.spec.type == BitType::Bitstring))
            host_.compile_error(
                s.node,
                "a binary field without size is only allowed at the end of a binary pattern, at "
                "the right side of binary concatenation and never allowed in binary generators");
        if (s.spec.size == SegmentSpec::Size::Register) {
            uint32_t r = kNoReg;
            if (s.size->kind == NodeKind::Variable) r = host_.variable_register(s.size->text);
            if (r == kNoReg) {
                if (s.size->kind == NodeKind::Variable && !s.size->has(kPinned))
                    host_.compile_error(s.size,
                                        fmt::format("undefined variable \"{}\"", s.size->text));
                r = host_.new_registers(1);
                host_.compile_into(s.size, r);
            }
            s.spec.value = r;
        }
        uint32_t value = host_.new_registers(1);
        shape_fail(host_.emit_instruction(Op::BsGet, value, context,
                                          host_.constant(Term::integer(s.spec.pack())), 0));
        if (!s.value) {
            // an expanded utf literal: compare with its code point
            shape_fail(host_.emit_instruction(Op::TestExactK, value,
                                              host_.constant(Term::integer(s.codepoint)), 0, 0));
            continue;
        }
        if (s.value->kind == NodeKind::Variable && !s.value->has(kPinned) &&
            sizing.count(s.value->text)) {
            value_pattern(s.value, value);
        } else {
            deferred.emplace_back(s.value, value);
        }
    }
    for (auto& [pattern, value] : deferred) value_pattern(pattern, value);
}

uint32_t BitstringCompiler::rest_binary(uint32_t context, const FailTo& fail) {
    SegmentSpec rest;
    rest.type = BitType::Binary;
    rest.unit = 8;
    uint32_t value = host_.new_registers(1);
    fail(host_.emit_instruction(Op::BsGet, value, context,
                                host_.constant(Term::integer(rest.pack())), 0));
    return value;
}

void BitstringCompiler::end(uint32_t context, const FailTo& fail) {
    fail(host_.emit_instruction(Op::BsEnd, context, 0, 0, 0));
}

}  // namespace tasklens::script
