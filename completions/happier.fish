# fish completion for happier. Install: happier completion fish > ~/.config/fish/completions/happier.fish
function __happier_complete
    set -l tokens (commandline -opc) (commandline -ct)
    command happier __complete -- $tokens[2..-1] 2>/dev/null
end
complete -c happier -f -a '(__happier_complete)'
