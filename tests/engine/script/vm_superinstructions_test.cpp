// Superinstructions (engine/script/peephole.h): which pairs are fused, which are not, and that
// fused code computes exactly what the unfused instructions did (expected outputs are what
// `elixir` 1.14 prints for the same program).
#include <gtest/gtest.h>

#include "engine/script/compiler.h"
#include "engine/script/disassemble.h"
#include "engine/script/peephole.h"
#include "engine/script/vm.h"
#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

void expect_output(const std::string& source, const std::string& expected) {
    RunOutput r = run_source(source);
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, expected);
}

std::string dump_of(const std::string& source) {
    SourceFiles files;
    const SourceFile& file = files.add("x.exs", source);
    std::vector<Diagnostic> diagnostics;
    auto program = compile_scenario(files, file, diagnostics);
    if (!program) return "does not compile";
    return disassemble(*program, program->first_scenario_function);
}

TEST(VmSuperinstructions, FibIsCompiledToFusedInstructions) {
    std::string dump = dump_of(R"(
defmodule Fib do
  def fib(n) when n < 2, do: n
  def fib(n), do: fib(n - 1) + fib(n - 2)
end
IO.puts(Fib.fib(10))
)");
    EXPECT_NE(dump.find("LtImmJump       r0, 2 else"), std::string::npos) << dump;
    EXPECT_NE(dump.find("SubImm          r2 = r0, 1"), std::string::npos) << dump;
    EXPECT_NE(dump.find("AddReturn"), std::string::npos) << dump;
    EXPECT_EQ(dump.find("JumpIfNotTrue"), std::string::npos) << dump;
}

Instr instr(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0) {
    return Instr{op, a, b, c, d};
}

TEST(VmSuperinstructions, PairWhoseSecondHalfIsAJumpTargetIsLeftAlone) {
    FunctionCode fn;
    fn.consts.push_back(Term::integer(2));
    fn.code = {
        instr(Op::Lt, 1, 0, kConstOperand | 0),  // 0
        instr(Op::JumpIfNotTrue, 1, 0, 0, 4),    // 1: also reached from 3
        instr(Op::Return, 0),                    // 2
        instr(Op::Jump, 0, 0, 0, 1),             // 3
        instr(Op::Add, 2, 0, 0),                 // 4
        instr(Op::Return, 2),                    // 5
    };
    fuse_superinstructions(fn);
    EXPECT_EQ(fn.code[0].op, Op::Lt);
    EXPECT_EQ(fn.code[1].op, Op::JumpIfNotTrue);
    EXPECT_EQ(fn.code[4].op, Op::AddReturn);
    EXPECT_EQ(fn.code[5].op, Op::Nop);
    fuse_superinstructions(fn);  // idempotent
    EXPECT_EQ(fn.code[4].op, Op::AddReturn);
    EXPECT_EQ(fn.code[4].c, 0u);
}

TEST(VmSuperinstructions, CompareAndBranchOnlyFusesTheBranchOnItsOwnResult) {
    FunctionCode fn;
    fn.consts.push_back(Term::integer(7));
    fn.code = {
        instr(Op::Gt, 2, 0, 1),                   // 0
        instr(Op::JumpIfFalsy, 3, 0, 0, 4),       // 1: another register
        instr(Op::Sub, 4, 0, kConstOperand | 0),  // 2
        instr(Op::Return, 4),                     // 3
        instr(Op::Sub, 5, kConstOperand | 0, 0),  // 4: constant first: not an immediate form
        instr(Op::Return, 0),                     // 5
    };
    fuse_superinstructions(fn);
    EXPECT_EQ(fn.code[0].op, Op::Gt);
    EXPECT_EQ(fn.code[2].op, Op::SubImm);
    EXPECT_EQ(static_cast<int32_t>(fn.code[2].c), 7);
    EXPECT_EQ(fn.code[4].op, Op::Sub);
}

TEST(VmSuperinstructions, ImmediateBranchesOnlyWhenNothingReadsTheBoolean) {
    // r1, the comparison's result, is read again at 2 and 4: the fused branch keeps writing it
    FunctionCode read;
    read.arity = 1;
    read.consts.push_back(Term::integer(2));
    read.code = {
        instr(Op::Lt, 1, 0, kConstOperand | 0),  // 0
        instr(Op::JumpIfNotTrue, 1, 0, 0, 4),    // 1
        instr(Op::MakeTuple, 2, 1, 1),           // 2: reads r1
        instr(Op::Return, 2),                    // 3
        instr(Op::Return, 0),                    // 4
    };
    fuse_superinstructions(read);
    EXPECT_EQ(read.code[0].op, Op::LtJump);
    EXPECT_EQ(read.code[0].a, 1u);
    // nothing else reads r1: an immediate branch that writes no register
    FunctionCode unread = read;
    unread.code = {
        instr(Op::Lt, 1, 0, kConstOperand | 0),                                    // 0
        instr(Op::JumpIfNotTrue, 1, 0, 0, 4),                                      // 1
        instr(Op::MakeTuple, 2, 0, 1),                                             // 2
        instr(Op::Return, 2),                                                      // 3
        instr(Op::Fail, static_cast<uint32_t>(FailKind::FunctionClause), kNoReg),  // 4
    };
    fuse_superinstructions(unread);
    EXPECT_EQ(unread.code[0].op, Op::LtImmJump);
    EXPECT_EQ(unread.code[0].a, kNoReg);
    EXPECT_EQ(static_cast<int32_t>(unread.code[0].c), 2);
    // a call whose arguments include r1 reads it
    FunctionCode call = read;
    call.code = {
        instr(Op::Lt, 1, 0, kConstOperand | 0),  // 0
        instr(Op::JumpIfNotTrue, 1, 0, 0, 3),    // 1
        instr(Op::Call, 3, 0, 0, 2),             // 2: args r0..r1
        instr(Op::Return, 0),                    // 3
    };
    fuse_superinstructions(call);
    EXPECT_EQ(call.code[0].op, Op::LtJump);
}

TEST(VmSuperinstructions, MovesOfTemporariesAreRetargeted) {
    FunctionCode fn;
    fn.arity = 1;
    fn.code = {
        instr(Op::GetTl, 1, 0),         // 0: r1 is read only by the Move
        instr(Op::Move, 2, 1),          // 1
        instr(Op::GetHd, 3, 0),         // 2: r3 is also read at 5
        instr(Op::Move, 4, 3),          // 3
        instr(Op::MakeTuple, 5, 2, 3),  // 4: reads r2..r4
        instr(Op::Return, 3),           // 5
    };
    retarget_moves(fn);
    EXPECT_EQ(fn.code[0].op, Op::GetTl);
    EXPECT_EQ(fn.code[0].a, 2u);
    EXPECT_EQ(fn.code[1].op, Op::Nop);
    EXPECT_EQ(fn.code[2].a, 3u);
    EXPECT_EQ(fn.code[3].op, Op::Move);
}

TEST(VmSuperinstructions, EnumMapOverRangesAndClosureLoopsKeepElixirsResults) {
    // Enum.map over a range calls the fun once per element (the prelude's map_range); walk/3's
    // argument temporaries are retargeted (expected output: elixir 1.14)
    expect_output(R"(
defmodule R do
  def walk([h | t], acc, fun), do: walk(t, fun.(h, acc), fun)
  def walk([], acc, _fun), do: acc
end
IO.inspect(Enum.map(1..5, &(&1 * 10)))
IO.inspect(Enum.map(5..1//-1, &(&1 + 1)))
IO.inspect(Enum.map(1..10//3, & &1))
IO.inspect(Enum.map(5..1//1, & &1))
IO.inspect(Enum.map(-3..-9//-2, &{&1}))
IO.inspect(R.walk([1, 2, 3], [], fn x, acc -> [x * x | acc] end))
)",
                  "[10, 20, 30, 40, 50]\n"
                  "[6, 5, 4, 3, 2]\n"
                  "[1, 4, 7, 10]\n"
                  "[]\n"
                  "[{-3}, {-5}, {-7}, {-9}]\n"
                  "[9, 4, 1]\n");
}

TEST(VmSuperinstructions, ComparisonsStayValuesAndTestsOnAnyTerms) {
    expect_output(R"(
defmodule C do
  def lt(a, b) when a < b, do: :lt
  def lt(_, _), do: :ge
  def eq(a, b) when a == b, do: :eq
  def eq(_, _), do: :ne
  def seq(a, b) when a === b, do: :same
  def seq(_, _), do: :differ
  def ne(a, b) when a != b, do: :ne
  def ne(_, _), do: :eq
  def sne(a, b) when a !== b, do: :sne
  def sne(_, _), do: :seq
  def ge(a) when a >= 10, do: :big
  def ge(_), do: :small
  def le(a) when a <= 10, do: :le
  def le(_), do: :gt
end
IO.inspect({C.lt(1, 2), C.lt(2, 1), C.lt(1, 1.5), C.lt(:a, 1), C.lt(1, :a), C.lt("a", "b")})
IO.inspect({C.eq(1, 1.0), C.eq(1, 2), C.seq(1, 1.0), C.seq(1, 1), C.seq(:a, :a)})
IO.inspect({C.ne(1, 1.0), C.ne(1, 2), C.sne(1, 1.0), C.sne(2, 2)})
IO.inspect({C.ge(10), C.ge(9.5), C.ge(:x), C.le(10), C.le(10.5), C.le([])})
x = 3
small = x < 5 and x > 1
either = x > 5 or x < 4
IO.inspect({small, either, x < 2 or x == 3.0})
if x > 2, do: IO.puts("big"), else: IO.puts("small")
)",
                  "{:lt, :ge, :lt, :ge, :lt, :lt}\n"
                  "{:eq, :ne, :differ, :same, :same}\n"
                  "{:eq, :ne, :sne, :seq}\n"
                  "{:big, :small, :big, :le, :gt, :gt}\n"
                  "{true, true, true}\n"
                  "big\n");
}

TEST(VmSuperinstructions, ImmediateComparisonsKeepTermOrder) {
    std::string source = R"(
defmodule I do
  def lt(a) when a < 2, do: :lt
  def lt(_), do: :no
  def gt(a) when a > -3, do: :gt
  def gt(_), do: :no
  def both(a) when a >= 0 and a <= 100, do: :in
  def both(_), do: :out
end
IO.inspect({I.lt(1), I.lt(2), I.lt(1.99), I.lt(2.0), I.lt(:a), I.lt(-100_000_000_000_000_000_000)})
IO.inspect({I.gt(-2), I.gt(-3), I.gt(-3.5), I.gt(100_000_000_000_000_000_000), I.gt(nil), I.gt({})})
IO.inspect({I.both(0), I.both(100), I.both(100.5), I.both(-1), I.both("x")})
)";
    std::string dump = dump_of(source);
    EXPECT_NE(dump.find("GtImmJump       r0, -3 else"), std::string::npos) << dump;
    EXPECT_NE(dump.find("GeImmJump"), std::string::npos) << dump;
    EXPECT_NE(dump.find("LeImmJump"), std::string::npos) << dump;
    expect_output(source,
                  "{:lt, :no, :lt, :no, :no, :lt}\n"
                  "{:gt, :no, :no, :gt, :gt, :gt}\n"
                  "{:in, :in, :out, :out, :out}\n");
}

TEST(VmSuperinstructions, ImmediateArithmeticKeepsNumberSemantics) {
    expect_output(R"(
defmodule A do
  def inc(x), do: x + 1
  def dec(x), do: x - 1
  def sum(a, b), do: a + b
end
IO.inspect(A.inc(9_223_372_036_854_775_807))
IO.inspect(A.dec(-9_223_372_036_854_775_808))
IO.inspect({A.inc(1.5), A.dec(0.5), A.dec(100_000_000_000_000_000_000)})
IO.inspect(A.sum(9_223_372_036_854_775_807, 9_223_372_036_854_775_807))
IO.inspect(A.sum(1, 2.5))
try do
  A.inc(:a)
rescue
  e -> IO.puts(Exception.message(e))
end
try do
  A.sum("x", 1)
rescue
  e -> IO.puts(Exception.message(e))
end
)",
                  "9223372036854775808\n-9223372036854775809\n{2.5, -0.5, 99999999999999999999}\n"
                  "18446744073709551614\n3.5\n"
                  "bad argument in arithmetic expression\n"
                  "bad argument in arithmetic expression\n");
}

TEST(VmSuperinstructions, DeepAndTailRecursionThroughFusedCode) {
    expect_output(R"(
defmodule R do
  def fib(n) when n < 2, do: n
  def fib(n), do: fib(n - 1) + fib(n - 2)
  def count(0, acc), do: acc
  def count(n, acc), do: count(n - 1, acc + 1)
  def down(n) when n > 0, do: down(n - 1) + 1
  def down(_), do: 0
end
IO.inspect({R.fib(20), R.count(100_000, 0), R.down(50_000)})
)",
                  "{6765, 100000, 50000}\n");
}

Co<void> call_with(ProcessContext& ctx, const FunctionCode* fn, std::vector<Term> args,
                   Term* result) {
    *result = co_await run_function(ctx, fn, std::move(args));
}

// The dispatch loop's handlers hold terms in locals (a received message, a fun being called); a
// handler must release them when it moves on to the next instruction. A leaked message keeps
// its payload referenced after the run.
TEST(VmSuperinstructions, HandlersReleaseTheTermsTheyHold) {
    SourceFiles files;
    const SourceFile& file = files.add("x.exs", R"(
defmodule Echo do
  def loop(value, 0), do: byte_size(value)
  def loop(value, n) do
    send(self(), {:msg, value})
    receive do
      {:msg, v} -> apply_fun(fn x -> x end, v, n)
    end
  end
  def apply_fun(f, v, n), do: loop(f.(v), n - 1)
end
)");
    std::vector<Diagnostic> diagnostics;
    auto program = compile_scenario(files, file, diagnostics);
    ASSERT_TRUE(program);
    const FunctionCode* loop = program->find(Atom::intern("Elixir.Echo"), Atom::intern("loop"), 2);
    ASSERT_NE(loop, nullptr);
    Term payload = Term::binary(std::string(200, 'x'));
    ASSERT_NE(payload.heap_object(), nullptr);
    Term result;
    {
        RuntimeOptions options;
        options.schedulers = 1;
        Runtime runtime(options);
        install_program(runtime, program);
        SpawnResult r = runtime.spawn([&](ProcessContext& ctx) {
            return call_with(ctx, loop, {payload, Term::integer(1000)}, &result);
        });
        runtime.run_until_exit(r.pid);
    }
    EXPECT_EQ(result.as_integer(), 200);
    EXPECT_EQ(payload.heap_object()->refcount, 1u);
}

}  // namespace
}  // namespace tasklens::script::test
