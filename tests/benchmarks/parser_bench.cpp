// Lexing + parsing throughput of the scenario language (target: a 10k-line file well under 50 ms).
#include <benchmark/benchmark.h>

#include <string>

#include "engine/script/parser.h"
#include "engine/script/source.h"

namespace {

std::string generated_source(int modules) {
    std::string source;
    for (int i = 0; i < modules; ++i) {
        source += "defmodule M" + std::to_string(i) + " do\n";
        source += "  def run(%{a: a} = state, [h | t]) when is_integer(h) do\n";
        source += "    x = Enum.map(t, &(&1 * 2)) |> Enum.sum()\n";
        source += "    IO.puts \"value #{inspect(x)} and #{a}\"\n";
        source += "    case state do\n      %{b: b} -> {:ok, b + x}\n      _ -> :error\n    end\n";
        source += "  end\nend\n";
    }
    return source;
}

void BM_ParseTenThousandLines(benchmark::State& state) {
    const std::string source = generated_source(1000);
    tasklens::script::SourceFiles files;
    const auto& file = files.add("big.exs", source);
    for (auto _ : state) {
        auto result = tasklens::script::parse(file);
        benchmark::DoNotOptimize(result);
    }
    state.counters["lines"] = static_cast<double>(file.line_count());
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(source.size()));
}
BENCHMARK(BM_ParseTenThousandLines)->Unit(benchmark::kMillisecond);

}  // namespace
