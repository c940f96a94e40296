// tasklens-vm-run [--schedulers N] scenario.exs: runs a scenario like `tasklens run`.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "engine/script/scenario_runner.h"

int main(int argc, char** argv) {
    tasklens::script::ScenarioOptions options;
    const char* path = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--schedulers") == 0 && i + 1 < argc) {
            options.schedulers = std::atoi(argv[++i]);
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        std::cerr << "usage: tasklens-vm-run [--schedulers N] scenario.exs\n";
        return 2;
    }
    std::ios::sync_with_stdio(false);
    int status = tasklens::script::run_scenario(path, options);
    std::cout.flush();
    return status;
}
