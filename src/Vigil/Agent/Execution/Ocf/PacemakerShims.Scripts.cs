namespace Vigil.Cli.Agent.Execution.Ocf;

/// <summary>
/// The shims' POSIX sh text. Each script is <see cref="Prelude"/> (paths baked in, shared helpers) followed by its
/// tool's body. Placeholders: @TOOL@, @RUN@, @DATA@, @BIN@ (single-quoted, escaped) and @USAGE@.
/// </summary>
internal static partial class PacemakerShims
{
    /// <summary>Paths, error helpers, node name, attribute files, cluster facts.</summary>
    private const string Prelude = """
        #!/bin/sh
        # @TOOL@: Pacemaker's tool of that name as a Vigil shim. Node attributes are files: transient ones (lifetime
        # reboot) in RUN_DIR/attributes/NODE/NAME, permanent ones in DATA_DIR/attributes/NODE/NAME; cluster facts
        # come from RUN_DIR/cluster/. Written by the Vigil agent (docs/resources.md "OCF agents"); do not edit.
        LC_ALL=C
        export LC_ALL
        run_dir='@RUN@'
        data_dir='@DATA@'
        bin_dir='@BIN@'
        me=@TOOL@

        fail() { code=$1; shift; echo "$me: $*" >&2; exit "$code"; }
        usage() { fail 64 "$* (Vigil's $me shim supports: @USAGE@)"; }
        unsupported() { fail 3 "$* is not supported under Vigil"; }

        # The name must be a plain file name: no '/', not empty, no leading '.'.
        check_name() {
          case $2 in '' | .* | */*) fail 64 "invalid $1 '$2'" ;; esac
        }

        local_node() {
          if [ -n "$OCF_RESKEY_CRM_meta_on_node" ]; then echo "$OCF_RESKEY_CRM_meta_on_node"
          elif [ -s "$run_dir/cluster/node" ]; then head -n 1 "$run_dir/cluster/node"
          elif [ -n "$VIGIL_NODE" ]; then echo "$VIGIL_NODE"
          else uname -n
          fi
        }

        # attr_dir transient|permanent|utilization NODE
        attr_dir() {
          case $1 in
            transient) echo "$run_dir/attributes/$2" ;;
            permanent) echo "$data_dir/attributes/$2" ;;
            utilization) echo "$data_dir/utilization/$2" ;;
          esac
        }

        # attr_write DIR NAME VALUE: atomic (temporary file, then rename).
        attr_write() {
          mkdir -p "$1" || fail 1 "cannot create $1"
          tmp="$1/.$2.$$.tmp"
          if printf '%s' "$3" > "$tmp" && mv -f "$tmp" "$1/$2"; then return 0; fi
          rm -f "$tmp"
          fail 1 "cannot write $1/$2"
        }

        attr_delete() {
          rm -f "$1/$2" || fail 1 "cannot delete $1/$2"
        }

        # require_facts FILE...: the cluster facts the agent writes (node, nodes, members, quorum) exist, or a clear failure.
        require_facts() {
          for fact in "$@"; do
            [ -f "$run_dir/cluster/$fact" ] || fail 1 "cluster membership is not known yet (no $run_dir/cluster/$fact)"
          done
        }

        """;

    /// <summary>crm_attribute: node attributes (transient with -l reboot / -t status, permanent with -l forever / -t nodes), promotion scores (-p).</summary>
    private const string CrmAttributeBody = """
        command=query name= value= node= scope= quiet=0 default= have_default=0 promotion= resource=
        while [ $# -gt 0 ]; do
          opt=$1
          shift
          arg= attached=
          case $opt in
            --) [ $# -eq 0 ] || usage "unexpected argument '$1'"; break ;;
            --*=*) arg=${opt#*=} opt=${opt%%=*} attached=long ;;
            --*) ;;
            -?) ;;
            -?*) arg=${opt#-?} opt=${opt%"$arg"} attached=short ;;
            *) usage "unexpected argument '$opt'" ;;
          esac
          case $opt in
            -n | --name | --attr-name | -v | --update | --attr-value | -N | --node | -U | --node-uname | -l | --lifetime | \
            -t | --type | -d | --default | -i | --id | --attr-id | -s | --set-name | -r | --resource | -P | --pattern)
              if [ -z "$attached" ]; then
                [ $# -gt 0 ] || usage "$opt needs a value"
                arg=$1
                shift
              fi ;;
            -p | --promotion)
              # An optional value: attached, or the next argument when it is not an option.
              if [ -z "$attached" ] && [ $# -gt 0 ]; then
                case $1 in -*) ;; *) arg=$1; shift ;; esac
              fi ;;
            *)
              # A flag: "-qG" is "-q -G".
              [ "$attached" = short ] && set -- "-$arg" "$@"
              [ "$attached" = long ] && usage "$opt takes no value" ;;
          esac
          case $opt in
            -n | --name | --attr-name) name=$arg ;;
            -v | --update | --attr-value) command=update value=$arg ;;
            -G | --query | --get-value) command=query ;;
            -D | --delete | --delete-attr) command=delete ;;
            -N | --node | -U | --node-uname) node=$arg ;;
            -l | --lifetime | -t | --type) scope=$arg ;;
            -z | --utilization) scope=utilization ;;
            -q | --quiet | -Q) quiet=1 ;;
            -d | --default) default=$arg have_default=1 ;;
            -p | --promotion) promotion=1 resource=${arg:-$resource} ;;
            -r | --resource) resource=$arg ;;
            -i | --id | --attr-id | -s | --set-name | -V | --verbose | -! | --inhibit-policy-engine | -f | --force) ;;
            -P | --pattern) unsupported "--pattern" ;;
            -h | --help | -\?) echo "$me (Vigil shim): @USAGE@"; exit 0 ;;
            --version) echo "$me (Vigil shim)"; exit 0 ;;
            *) usage "unknown option '$opt'" ;;
          esac
        done

        if [ -n "$promotion" ]; then
          resource=${resource:-$OCF_RESOURCE_INSTANCE}
          [ -n "$resource" ] || usage "--promotion needs a resource (-p RESOURCE, or OCF_RESOURCE_INSTANCE)"
          name="master-$resource"
          scope=${scope:-reboot}
        fi
        case $scope in
          reboot | status) kind=transient label=status ;;
          forever | nodes) kind=permanent label=nodes ;;
          utilization) kind=utilization label=nodes ;;
          '')
            # Pacemaker: a node attribute when a node is named, else a cluster option.
            [ -n "$node" ] || unsupported "a cluster option (no --node and no --lifetime: crm_config)"
            kind=permanent label=nodes ;;
          crm_config | rsc_defaults | op_defaults | tickets) unsupported "--type $scope" ;;
          *) usage "unknown lifetime/type '$scope'" ;;
        esac
        node=${node:-$(local_node)}
        check_name node "$node"
        [ -n "$name" ] || usage "which attribute? (-n NAME)"
        check_name attribute "$name"
        dir=$(attr_dir "$kind" "$node")

        case $command in
          update) attr_write "$dir" "$name" "$value" ;;
          delete) attr_delete "$dir" "$name" ;;
          query)
            if [ -f "$dir/$name" ]; then
              found=$(cat "$dir/$name"; echo x)
              found=${found%x}
            elif [ "$have_default" = 1 ]; then
              found=$default
            else
              [ "$quiet" = 1 ] || echo "scope=$label  name=$name value=(null)"
              echo "Error performing operation: No such device or address" >&2
              exit 105
            fi
            if [ "$quiet" = 1 ]; then printf '%s\n' "$found"; else printf 'scope=%s  name=%s value=%s\n' "$label" "$name" "$found"; fi ;;
        esac

        """;

    /// <summary>attrd_updater: transient node attributes.</summary>
    private const string AttrdUpdaterBody = """
        command=query name= value= node= all=0
        while [ $# -gt 0 ]; do
          opt=$1
          shift
          arg= attached=
          case $opt in
            --) [ $# -eq 0 ] || usage "unexpected argument '$1'"; break ;;
            --*=*) arg=${opt#*=} opt=${opt%%=*} attached=long ;;
            --*) ;;
            -?) ;;
            -?*) arg=${opt#-?} opt=${opt%"$arg"} attached=short ;;
            *) usage "unexpected argument '$opt'" ;;
          esac
          case $opt in
            -n | --name | -U | --update | -v | -B | --update-both | -N | --node | -d | --delay | -s | --set | -l | --lifetime | \
            -S | --section | -W | --wait | -P | --pattern)
              if [ -z "$attached" ]; then
                [ $# -gt 0 ] || usage "$opt needs a value"
                arg=$1
                shift
              fi ;;
            *)
              [ "$attached" = short ] && set -- "-$arg" "$@"
              [ "$attached" = long ] && usage "$opt takes no value" ;;
          esac
          case $opt in
            -n | --name) name=$arg ;;
            -U | --update | -v | -B | --update-both) command=update value=$arg ;;
            -Q | --query) command=query ;;
            -D | --delete) command=delete ;;
            -N | --node) node=$arg ;;
            -A | --all) all=1 ;;
            -Y | --update-delay | -R | --refresh) command=none ;;
            # Dampening, attribute sets, sections, privacy and waiting have no meaning for file-backed attributes.
            -d | --delay | -s | --set | -l | --lifetime | -S | --section | -W | --wait | -p | --private | -q | --quiet | -V | --verbose) ;;
            -P | --pattern) unsupported "--pattern" ;;
            -h | --help | -\?) echo "$me (Vigil shim): @USAGE@"; exit 0 ;;
            --version) echo "$me (Vigil shim)"; exit 0 ;;
            *) usage "unknown option '$opt'" ;;
          esac
        done

        [ "$command" = none ] && exit 0
        [ -n "$name" ] || usage "which attribute? (-n NAME)"
        check_name attribute "$name"
        node=${node:-$(local_node)}
        check_name node "$node"

        case $command in
          update) attr_write "$(attr_dir transient "$node")" "$name" "$value" ;;
          delete) attr_delete "$(attr_dir transient "$node")" "$name" ;;
          query)
            if [ "$all" = 1 ]; then set -- "$run_dir"/attributes/*/"$name"; else set -- "$(attr_dir transient "$node")/$name"; fi
            printed=0
            for file in "$@"; do
              [ -f "$file" ] || continue
              host=${file%/*}
              found=$(cat "$file"; echo x)
              printf 'name="%s" host="%s" value="%s"\n' "$name" "${host##*/}" "${found%x}"
              printed=1
            done
            [ "$printed" = 1 ] || fail 105 "Could not query value of $name: attribute does not exist" ;;
        esac

        """;

    /// <summary>crm_node: this node's name and id, the node list, the partition, quorum.</summary>
    private const string CrmNodeBody = """
        command= id=
        while [ $# -gt 0 ]; do
          opt=$1
          shift
          arg= attached=
          case $opt in
            --) [ $# -eq 0 ] || usage "unexpected argument '$1'"; break ;;
            --*=*) arg=${opt#*=} opt=${opt%%=*} attached=long ;;
            --*) ;;
            -?) ;;
            -?*) arg=${opt#-?} opt=${opt%"$arg"} attached=short ;;
            *) usage "unexpected argument '$opt'" ;;
          esac
          case $opt in
            -N | --name-for-id | -R | --remove | --output-as | --output-to)
              if [ -z "$attached" ]; then
                [ $# -gt 0 ] || usage "$opt needs a value"
                arg=$1
                shift
              fi ;;
            *)
              [ "$attached" = short ] && set -- "-$arg" "$@"
              [ "$attached" = long ] && usage "$opt takes no value" ;;
          esac
          case $opt in
            -n | --name) command=name ;;
            -N | --name-for-id) command=name-for-id id=$arg ;;
            -i | --cluster-id) command=id ;;
            -l | --list) command=list ;;
            -p | --partition) command=partition ;;
            -q | --quorum) command=quorum ;;
            -R | --remove) unsupported "--remove (change the cluster configuration instead)" ;;
            --output-as) [ "$arg" = text ] || unsupported "--output-as=$arg" ;;
            -f | --force | -C | --corosync | -V | --verbose | --output-to) ;;
            -h | --help | -\?) echo "$me (Vigil shim): @USAGE@"; exit 0 ;;
            --version) echo "$me (Vigil shim)"; exit 0 ;;
            *) usage "unknown option '$opt'" ;;
          esac
        done

        # Node ids are positions in the configuration's node list (1, 2, ...).
        case $command in
          name) local_node ;;
          name-for-id)
            case $id in '' | *[!0-9]*) usage "a node id is a number, not '$id'" ;; esac
            require_facts nodes
            found=$(sed -n "${id}p" "$run_dir/cluster/nodes")
            [ -n "$found" ] || fail 105 "no node with id '$id'"
            echo "$found" ;;
          id)
            require_facts nodes
            me_node=$(local_node)
            found=$(awk -v n="$me_node" '$0 == n { print NR; exit }' "$run_dir/cluster/nodes")
            [ -n "$found" ] || fail 105 "this node ($me_node) is not in $run_dir/cluster/nodes"
            echo "$found" ;;
          list)
            require_facts nodes members
            awk -v members="$run_dir/cluster/members" 'BEGIN { while ((getline m < members) > 0) up[m] = 1 }
              NF { print NR, $0, ($0 in up) ? "member" : "lost" }' "$run_dir/cluster/nodes" | sort -k 2 ;;
          partition)
            require_facts members
            found=$(sort "$run_dir/cluster/members" | tr '\n' ' ')
            echo "${found% }" ;;
          quorum)
            require_facts quorum
            quorum=$(head -n 1 "$run_dir/cluster/quorum")
            [ "$quorum" = 1 ] && echo 1 || echo 0 ;;
          *) usage "which command? (-n, -l, -p, -q, -i or -N ID)" ;;
        esac

        """;

    /// <summary>crm_master: crm_attribute on master-RESOURCE.</summary>
    private const string CrmMasterBody = """
        # Pacemaker's crm_master: crm_attribute on master-RESOURCE, lifetime forever unless told otherwise.
        resource=$OCF_RESOURCE_INSTANCE
        count=$#
        while [ "$count" -gt 0 ]; do
          opt=$1
          shift
          count=$((count - 1))
          case $opt in
            -r | --resource)
              [ "$count" -gt 0 ] || usage "$opt needs a value"
              resource=$1
              shift
              count=$((count - 1)) ;;
            --resource=*) resource=${opt#*=} ;;
            -r?*) resource=${opt#-r} ;;
            *) set -- "$@" "$opt" ;;
          esac
        done
        [ -n "$resource" ] || usage "which resource? (run from an OCF agent, or give -r RESOURCE)"
        check_name resource "$resource"
        exec "$bin_dir/crm_attribute" --lifetime forever --name "master-$resource" "$@"

        """;
}
