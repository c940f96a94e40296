# Injected by `defexception` when the exception has a :message field.
def exception(msg) when is_binary(msg), do: exception(message: msg)
def exception(args) when is_list(args), do: Kernel.struct!(@__struct_default__, args)
def message(exception), do: exception.message
