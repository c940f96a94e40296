# GenServer.call exiting because the server raised: the banner's stack has GenServer.call/3 (line 1038) and the script line, but not a function that tail-called it; a defexception's own message/1 is used
Logger.configure(level: :none)

defmodule InsufficientFunds do
  defexception [:needed, :available]
  def message(e), do: "needed #{e.needed} but only #{e.available} available"
end

defmodule Bank do
  use GenServer

  def start(balance), do: GenServer.start(__MODULE__, balance)
  def withdraw(pid, amount), do: GenServer.call(pid, {:withdraw, amount})

  def init(b), do: {:ok, b}

  def handle_call({:withdraw, amount}, _from, b) do
    if amount > b do
      raise InsufficientFunds, needed: amount, available: b
    end
    {:reply, {:ok, b - amount}, b - amount}
  end
end

{:ok, pid} = Bank.start(100)
IO.inspect(Bank.withdraw(pid, 70))
Bank.withdraw(pid, 40)
IO.puts("never printed")
