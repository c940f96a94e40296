#pragma once
// The bitstring part of the compiler: `<<...>>` in expressions, in patterns and as `for`
// generators. It emits the VM's BsBuild/BsStart/BsGet/BsEnd instructions (bytecode.h) and asks
// the main compiler (compiler.cpp), through BitstringHost, for registers, constants, the code of
// value expressions and the matching of each segment's value pattern.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/script/ast.h"
#include "engine/script/bytecode.h"

namespace tasklens::script {

class BitstringHost {
  public:
    virtual uint32_t emit_instruction(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t d) = 0;
    virtual uint32_t new_registers(uint32_t count) = 0;
    virtual uint32_t constant(Term value) = 0;
    /// Compiles an expression, leaving its value in `dst`.
    virtual void compile_into(const Node* expression, uint32_t dst) = 0;
    /// The register of a variable visible at this point (bound earlier in the pattern being
    /// compiled or outside it), or kNoReg.
    virtual uint32_t variable_register(std::string_view name) = 0;
    virtual uint32_t code_position() = 0;  ///< index of the next instruction
    /// Points the jump (or failing test) at `instruction` to `target`.
    virtual void set_jump_target(uint32_t instruction, uint32_t target) = 0;
    [[noreturn]] virtual void refuse_construct(const Node* at, std::string construct) = 0;
    [[noreturn]] virtual void compile_error(const Node* at, std::string message) = 0;

  protected:
    ~BitstringHost() = default;
};

class BitstringCompiler {
  public:
    explicit BitstringCompiler(BitstringHost& host) : host_(host) {}

    /// `<<...>>` as an expression: returns the register holding the new bitstring.
    uint32_t build(const Node* bitstring);

    /// Where a failed test jumps: the host records the instruction index on its fail label.
    using FailTo = std::function<void(uint32_t instruction)>;
    /// Matches a segment's value pattern (a variable, literal, pin...) against a register.
    using ValuePattern = std::function<void(const Node* pattern, uint32_t value)>;

    /// Starts matching `src`: fails unless it is a bitstring; returns the match context (two
    /// registers: the subject and the bit offset).
    uint32_t start(uint32_t src, const FailTo& fail);
    /// Reads `segments` at the context's offset. A segment that cannot be read (too few bits,
    /// invalid UTF-8...) goes to `shape_fail`; the segments' value patterns are matched with
    /// `value_pattern` once every segment is read, except variables used as a later size, which
    /// are bound as soon as read.
    /// `more_follow`: the segments are the left side of `<<...>> <> rest`, so even the last one
    /// needs a size.
    void segments(std::span<Node* const> segments, uint32_t context, const FailTo& shape_fail,
                  const ValuePattern& value_pattern, bool more_follow = false);
    /// The subject's unread bits as a binary (`rest` in `<<a>> <> rest`); fails unless they are
    /// a whole number of bytes. Returns the register holding it.
    uint32_t rest_binary(uint32_t context, const FailTo& fail);
    /// Fails unless every bit of the subject was read.
    void end(uint32_t context, const FailTo& fail);

    /// `for <<segments <- source>>` (`generator` is the Bitstring node): reads the segments again
    /// and again from the source's bits until they no longer fit, running `body` (the rest of
    /// the comprehension) for each chunk. Value patterns are matched with `value_pattern`; the
    /// host sends their failures to a label it binds at the end of `body`, so a chunk whose
    /// values do not match (`<<x, 0 <- bin>>`) is skipped, as in Elixir.
    void generator(const Node* generator, uint32_t source, const ValuePattern& value_pattern,
                   const std::function<void()>& body);

  private:
    BitstringHost& host_;
};

/// The code points of a literal's UTF-8 text (a charlist `'héllo'`, a `<<"é"::utf16>>` string);
/// a byte that is not part of valid UTF-8 stands for itself.
std::vector<uint32_t> literal_codepoints(std::string_view text);
/// The value of an integer literal flagged kBigInteger, from its source spelling
/// (`-0x1_0000_0000_0000_0000`).
Term big_integer_literal(std::string_view spelling);

}  // namespace tasklens::script
