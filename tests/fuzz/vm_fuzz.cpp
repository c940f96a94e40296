// libFuzzer entry point for the compiler and the VM. The input bytes are not source text: they
// steer a generator of well-formed scenarios (arithmetic at the integer and float edges, deep and
// wide terms, comparisons, pattern matches, inspect, Enum, maps, strings, tasks, try/rescue), so
// that almost every input compiles and runs. The run is capped by run limits; any crash,
// sanitizer report, uncaught C++ exception or hang is a bug of the compiler, the VM, the runtime
// or the standard library. The scenario's own errors (ArithmeticError, ...) are expected.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "engine/script/scenario_runner.h"

namespace {

class ProgramGenerator {
  public:
    ProgramGenerator(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::string program() {
        std::string out = "x = " + integer() + "\ny = " + floating() + "\nz = " + atom() + "\n";
        const int statements = 1 + pick(8);
        for (int s = 0; s < statements && !exhausted(); ++s) {
            // Each statement is guarded, so one error does not hide the rest of the program.
            out += "try do\n  IO.puts(inspect(" + expr(0) +
                   "))\nrescue\n  e -> IO.puts(Exception.message(e))\n";
            out += "catch\n  kind, value -> IO.inspect({kind, value})\nend\n";
        }
        return out;
    }

  private:
    static constexpr int kMaxDepth = 5;

    bool exhausted() const { return pos_ >= size_; }
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    int pick(int n) { return byte() % n; }

    std::string integer() {
        static const char* const edges[] = {"0",
                                            "1",
                                            "-1",
                                            "7",
                                            "255",
                                            "256",
                                            "65536",
                                            "9223372036854775807",
                                            "-9223372036854775807",
                                            "4294967296",
                                            "1_000_000",
                                            "100_000"};
        if (pick(2) == 0) return edges[pick(sizeof edges / sizeof *edges)];
        return std::to_string(static_cast<int>(byte()) - 100);
    }
    std::string floating() {
        static const char* const edges[] = {"0.0",      "-0.0", "0.5",    "1.0e308", "-1.0e308",
                                            "1.0e-308", "3.14", "1.0e16", "2.5e-5"};
        return edges[pick(sizeof edges / sizeof *edges)];
    }
    std::string atom() {
        static const char* const atoms[] = {":ok", ":error",         "nil", "true", "false",
                                            ":a",  ":\"with space\""};
        return atoms[pick(sizeof atoms / sizeof *atoms)];
    }
    std::string string() {
        static const char* const strings[] = {"\"\"",
                                              "\"abc\"",
                                              "\"héllo\"",
                                              "<<255>>",
                                              "<<0xC3>>",
                                              "\"a\\nb\"",
                                              "String.duplicate(\"ab\", 1000)"};
        return strings[pick(sizeof strings / sizeof *strings)];
    }
    std::string leaf() {
        switch (pick(7)) {
            case 0:
                return integer();
            case 1:
                return floating();
            case 2:
                return atom();
            case 3:
                return string();
            case 4:
                return "x";
            case 5:
                return "y";
            default:
                return "z";
        }
    }

    std::string expr(int depth) {
        if (depth >= kMaxDepth || exhausted()) return leaf();
        const int d = depth + 1;
        switch (pick(24)) {
            case 0:
            case 1:
                return leaf();
            case 2: {
                static const char* const ops[] = {"+",  "-",  "*",  "/",  "==",  "===", "<",
                                                  ">=", "!=", "<>", "++", "and", "or"};
                return "(" + expr(d) + " " + ops[pick(sizeof ops / sizeof *ops)] + " " + expr(d) +
                       ")";
            }
            case 3: {
                static const char* const fns[] = {
                    "div",        "rem",     "max",     "min",
                    "elem",       "Map.get", "Enum.at", "String.duplicate",
                    "Integer.pow"};
                return std::string(fns[pick(sizeof fns / sizeof *fns)]) + "(" + expr(d) + ", " +
                       expr(d) + ")";
            }
            case 4: {
                static const char* const fns[] = {"abs",
                                                  "length",
                                                  "hd",
                                                  "tl",
                                                  "tuple_size",
                                                  "map_size",
                                                  "round",
                                                  "trunc",
                                                  "to_string",
                                                  "Integer.to_string",
                                                  "Float.to_string",
                                                  "String.length",
                                                  "String.upcase",
                                                  "Enum.sum",
                                                  "Enum.reverse",
                                                  "Enum.sort",
                                                  "List.flatten",
                                                  "Map.keys",
                                                  "Tuple.to_list",
                                                  "String.to_atom",
                                                  "inspect",
                                                  "byte_size",
                                                  "is_integer",
                                                  "List.to_tuple",
                                                  "Enum.uniq"};
                return std::string(fns[pick(sizeof fns / sizeof *fns)]) + "(" + expr(d) + ")";
            }
            case 5:
                return "{" + expr(d) + ", " + expr(d) + "}";
            case 6:
                return "[" + expr(d) + ", " + expr(d) + " | " + expr(d) + "]";
            case 7:
                return "[" + expr(d) + ", " + expr(d) + "]";
            case 8:
                return "%{" + expr(d) + " => " + expr(d) + ", :k => " + expr(d) + "}";
            case 9:
                return "Enum.map(" + range() + ", fn v -> " + expr(d) + " end)";
            case 10:
                return "Enum.reduce(" + range() + ", " + expr(d) + ", fn _, acc -> " + wrap("acc") +
                       " end)";
            case 11:
                return "case " + expr(d) + " do\n  " + pattern() + " -> " + expr(d) + "\n  _ -> " +
                       expr(d) + "\nend";
            case 12:
                return "(fn -> " + expr(d) + " end).()";
            case 13:
                return "inspect(" + expr(d) + ", limit: :infinity)";
            case 14:
                return "Task.await(Task.async(fn -> " + expr(d) + " end))";
            case 15:
                return "Map.put(" + expr(d) + ", " + expr(d) + ", " + expr(d) + ")";
            case 16:
                return "(" + expr(d) + " |> Enum.take(" + integer() + "))";
            case 17:
                return "Enum.to_list(" + range() + ")";
            case 18:
                return "(send(self(), " + expr(d) + "); receive do m -> m after 0 -> :none end)";
            case 19:
                return "Kernel.apply(Kernel, :" + std::string(pick(2) ? "+" : "*") + ", [" +
                       expr(d) + ", " + expr(d) + "])";
            case 20:
                return "(" + expr(d) + " == " + expr(d) + ")";
            case 21:
                return "Enum.sort([" + expr(d) + ", " + expr(d) + ", " + expr(d) + "])";
            case 22:
                return "String.to_integer(" + expr(d) + ")";
            default:
                return "try do " + expr(d) + " rescue _ -> :rescued end";
        }
    }
    std::string range() {
        static const char* const ranges[] = {"1..3",
                                             "1..0//1",
                                             "1..10_000",
                                             "1..100_000",
                                             "-5..5",
                                             "0..20//3",
                                             "9223372036854775805..9223372036854775807"};
        return ranges[pick(sizeof ranges / sizeof *ranges)];
    }
    std::string wrap(const std::string& inner) {
        switch (pick(4)) {
            case 0:
                return "{" + inner + "}";
            case 1:
                return "[" + inner + "]";
            case 2:
                return "%{a: " + inner + "}";
            default:
                return "[1 | " + inner + "]";
        }
    }
    std::string pattern() {
        switch (pick(6)) {
            case 0:
                return "{a, b}";
            case 1:
                return "[h | t]";
            case 2:
                return "%{k: v}";
            case 3:
                return "^x";
            case 4:
                return "n when is_integer(n) and n > 0";
            default:
                return "\"abc\" <> rest";
        }
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tasklens;
    const std::string source = ProgramGenerator(data, size).program();
    std::ostringstream out, err;
    script::ScenarioOptions options;
    options.schedulers = 1;
    options.out = &out;
    options.err = &err;
    options.limits.max_reductions = 2'000'000;
    options.limits.max_virtual_us = 10'000'000;
    options.limits.max_wall_ms = 5'000;
    options.limits.max_memory_bytes = 0;  // the fuzzer's own -rss_limit_mb watches memory
    const int status = script::run_scenario_source("fuzz.exs", source, options);
    // 0 ok, 1 raised or did not compile, 3 a run limit: anything else is a bug.
    if (status != 0 && status != 1 && status != script::kExitRunLimit) __builtin_trap();
    if (status == 1 && err.str().empty()) __builtin_trap();
    return 0;
}
